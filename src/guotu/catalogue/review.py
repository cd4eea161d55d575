"""Texts of the review area (error codes and labels), in Chinese and English."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # attributes (guotu.domain.review)
    "review.use_missing": ("未给出拟用途（用地用海分类代码或名称）", "No proposed use given (a class code or name)"),
    "review.use_unspecific": (
        "拟用途“{value}”不对应具体的用地用海分类，请给出分类代码",
        "The proposed use '{value}' names no land-use class: give a class code",
    ),
    "review.option_invalid": (
        "{option} 的取值“{value}”无效，可选：{choices}",
        "Invalid value '{value}' for {option}; choose one of: {choices}",
    ),
    "review.number_invalid": ("{field} 的数值“{value}”无效", "Invalid number '{value}' for {field}"),
    "review.far_range": (
        "容积率下限 {far_min} 大于上限 {far_max}",
        "Plot-ratio minimum {far_min} is above the maximum {far_max}",
    ),
    "review.method_without_grant": (
        "出让方式“{method}”只适用于出让，不适用于{mode}",
        "The method '{method}' applies to grants only, not to {mode}",
    ),
    # parcel geometry (guotu.geo.review)
    "review.parcel_empty": ("宗地图形为空（{what}）", "The parcel geometry is empty ({what})"),
    "review.parcel_not_polygon": (
        "宗地图形不是面（{what}，类型 {type}）",
        "The parcel geometry is not a polygon ({what}, type {type})",
    ),
    "review.parcel_invalid": (
        "宗地图形无效（{what}）：{reason}，位置 {location}",
        "Invalid parcel geometry ({what}): {reason} at {location}",
    ),
    # parcel files (guotu.io.parcels)
    "review.file_missing": ("宗地文件不存在：{path}", "Parcel file not found: {path}"),
    "review.file_empty": ("宗地文件为空或没有宗地：{path}", "The parcel file is empty or has no parcel: {path}"),
    "review.file_format": (
        "无法识别的宗地文件格式：{path}（支持 GeoJSON、Shapefile（zip）、GeoPackage、DXF、界址点坐标 TXT）",
        "Unknown parcel file format: {path} (GeoJSON, zipped shapefile, GeoPackage, DXF, boundary-point TXT)",
    ),
    "review.txt_invalid": (
        "界址点坐标文件 {path} 第 {line} 行格式错误：{reason}",
        "Boundary-point file {path}, line {line}: {reason}",
    ),
    "review.txt_crs": (
        "界址点坐标文件 {path} 的坐标系无法确定：{reason}",
        "The CRS of the boundary-point file {path} cannot be determined: {reason}",
    ),
    "review.dxf_no_polygon": (
        "DXF 文件 {path} 中没有闭合多段线（LWPOLYLINE/POLYLINE）",
        "The DXF file {path} has no closed polyline (LWPOLYLINE/POLYLINE)",
    ),
    "review.parcel_not_found": (
        "文件 {path} 中没有编号为 {parcel} 的宗地",
        "No parcel {parcel} in the file {path}",
    ),
    "review.several_parcels": (
        "文件 {path} 含 {count} 宗地，请用 --parcel 指定一宗，或用批量审查",
        "The file {path} holds {count} parcels: choose one with --parcel, or review them as a batch",
    ),
    # services (guotu.services.review)
    "review.crs_missing": (
        "给出宗地图形时须同时给出坐标系（EPSG 代码）",
        "A parcel geometry needs its coordinate reference system (EPSG code)",
    ),
    "review.params_invalid": ("审查参数配置无效：{reason}", "Invalid review parameters: {reason}"),
    "review.not_found": ("审查记录不存在：{id}", "Review not found: {id}"),
    "review.version_changed": (
        "图层 {layer} 第 {version} 版的内容摘要已变化（{expected} → {actual}），无法复核",
        "Layer {layer} version {version} changed its content hash ({expected} → {actual}): cannot re-run",
    ),
    "review.not_approvable": (
        "审查结论为“{conclusion}”，不能通过",
        "A review concluding '{conclusion}' cannot be approved",
    ),
    "review.status_invalid": (
        "审查记录 {id} 的状态为“{status}”，不能改为“{target}”",
        "Review {id} is '{status}' and cannot become '{target}'",
    ),
    # labels
    "review.label.conclusion": ("审查结论", "Conclusion"),
    "review.label.saved": ("审查记录已保存：{id}", "Review saved: {id}"),
    "review.label.identical": ("复核结果与原审查一致", "The re-run gives the same result"),
    "review.label.different": ("复核结果与原审查不一致", "The re-run differs from the stored review"),
}
