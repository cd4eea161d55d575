"""Texts of the scale area (error codes and labels), in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "scale.input_not_found": ("找不到输入数据：{path}", "Input not found: {path}"),
    "scale.input_empty": (
        "文件夹中没有 GeoParquet 文件（*.parquet）：{path}",
        "The folder holds no GeoParquet files (*.parquet): {path}",
    ),
    "scale.not_geoparquet": (
        "不是可读的 GeoParquet 文件：{path}（{reason}）",
        "Not a readable GeoParquet file: {path} ({reason})",
    ),
    "scale.no_geometry": (
        "GeoParquet 文件没有几何列（缺少 geo 元数据和 geometry 列）：{path}",
        "The GeoParquet file has no geometry column (no 'geo' metadata and no 'geometry' column): {path}",
    ),
    "scale.schema_mismatch": (
        "同一图层的文件结构、几何列或坐标系不一致：{path} 与 {first}",
        "Files of one layer differ in columns, geometry column or CRS: {path} and {first}",
    ),
    "scale.field_missing": (
        "{path} 中没有字段 {field}（现有字段：{fields}）",
        "{path} has no field {field} (fields: {fields})",
    ),
    "scale.no_zones": (
        "请至少给出分区图层（--zones）或行政区图层（--districts）之一",
        "Give a zone layer (--zones) or a district layer (--districts), or both",
    ),
    "scale.id_missing": (
        "标识字段 {field} 有空值：版本对比需要每个要素都有唯一标识",
        "The id field {field} has empty values: a version diff needs a unique id for every feature",
    ),
    "scale.scheduler_unreachable": (
        "无法连接 Dask 调度器 {address}：{reason}",
        "Cannot reach the Dask scheduler at {address}: {reason}",
    ),
    "scale.output_not_empty": (
        "输出文件夹已有 Parquet 文件：{path}",
        "The output folder already holds Parquet files: {path}",
    ),
    "scale.options_conflict": (
        "--scheduler 与 --local 只能选一个",
        "Give either --scheduler or --local, not both",
    ),
    "scale.dask_missing": (
        "缺少分布式计算组件 {package}：请安装 guotu[scale]（dask[distributed]、dask-geopandas、geopandas）",
        "The distributed engine needs {package}: install guotu[scale] (dask[distributed], dask-geopandas, geopandas)",
    ),
    "scale.xlsx_unavailable": (
        "无法写出 xlsx：{reason}",
        "Cannot write the xlsx file: {reason}",
    ),
}
