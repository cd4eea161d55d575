"""Catalogue texts for geo (``guotu.geo``): coordinate systems, geometry and areas."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Coordinate reference systems (guotu.geo.crs)
    "crs.invalid": ("坐标系无效", "Invalid coordinate reference system"),
    "crs.missing": (
        "缺少坐标系定义（如 .prj 文件），请确认数据的坐标系",
        "The coordinate reference system is missing (no .prj?); please confirm it",
    ),
    "crs.unknown": (
        "无法识别的坐标系：{crs}。请确认数据的坐标系（不会自动猜测）",
        "Unknown coordinate reference system: {crs}. Please confirm the CRS (guotu never guesses)",
    ),
    "crs.unsupported": (
        "不支持的坐标系：{crs}。一张图数据须为 2000国家大地坐标系（EPSG:4490 或 4491–4554）",
        "Unsupported coordinate reference system: {crs}. One-map data must be CGCS2000 (EPSG:4490 or 4491–4554)",
    ),
    "crs.legacy_datum": (
        "坐标系 {crs} 使用 {datum} 基准，不能直接换算到 2000国家大地坐标系：须提供经审定的七参数或四参数转换参数",
        "The CRS {crs} uses the {datum} datum, which cannot be converted to CGCS2000 "
        "without an approved 7- or 4-parameter transformation: please supply one",
    ),
    "crs.inconsistent": (
        "坐标系定义自相矛盾：名称或标识为 EPSG:{epsg}，但参数不符：{crs}",
        "The CRS definition contradicts itself: named or identified as EPSG:{epsg} but its parameters differ: {crs}",
    ),
    "crs.not_gauss_kruger": (
        "EPSG:{epsg} 不是 2000国家大地坐标系高斯-克吕格投影（EPSG:4491–4554）",
        "EPSG:{epsg} is not a CGCS2000 Gauss-Krüger projection (EPSG:4491–4554)",
    ),
    "crs.zone_out_of_range": (
        "没有与 {value} 对应的 {width} 度分带（2000国家大地坐标系）",
        "No CGCS2000 {width}-degree zone corresponds to {value}",
    ),
    "crs.zone_prefix_mismatch": (
        "坐标与坐标系的带号前缀不一致：EPSG:{epsg}，坐标范围 {bbox}。建议使用 EPSG:{suggested_epsg}",
        "The zone prefix of the coordinates does not match the CRS EPSG:{epsg} "
        "(extent {bbox}). Use EPSG:{suggested_epsg}",
    ),
    "crs.zone_mismatch": (
        "坐标带号为 {zone}，与坐标系 EPSG:{epsg} 不符（坐标范围 {bbox}）。建议使用 EPSG:{suggested_epsg}",
        "The coordinates carry zone {zone}, not the zone of EPSG:{epsg} (extent {bbox}). Use EPSG:{suggested_epsg}",
    ),
    "crs.outside_zone": (
        "坐标距中央经线 {offset} 度，超出 EPSG:{epsg} 的分带范围（±{limit} 度，坐标范围 {bbox}）：带号或坐标系有误",
        "The coordinates lie {offset}° from the central meridian, beyond the zone of "
        "EPSG:{epsg} (±{limit}°, extent {bbox}): wrong zone or wrong CRS",
    ),
    "crs.axis_swapped": (
        "坐标的 X、Y 顺序颠倒（测量 X 为北坐标），坐标范围 {bbox}，坐标系 EPSG:{epsg}。请交换 X、Y 后重新导入",
        "The X and Y coordinates are swapped (the survey X is the northing), extent {bbox}, "
        "EPSG:{epsg}. Swap X and Y and import again",
    ),
    "crs.degrees_in_projected": (
        "坐标系 EPSG:{epsg} 为投影坐标系，但坐标是经纬度（{bbox}）。应使用 EPSG:{suggested_epsg}",
        "EPSG:{epsg} is a projected CRS but the coordinates are degrees ({bbox}). Use EPSG:{suggested_epsg}",
    ),
    "crs.projected_in_geographic": (
        "坐标系 EPSG:{epsg} 为经纬度坐标系，但坐标是投影坐标（{bbox}）。可能的坐标系：{candidates}",
        "EPSG:{epsg} is a geographic CRS but the coordinates are projected ({bbox}). Candidates: {candidates}",
    ),
    "crs.outside_china": (
        "坐标超出中国范围（{bbox}，EPSG:{epsg}）：请检查坐标系",
        "The coordinates lie outside China ({bbox}, EPSG:{epsg}): check the CRS",
    ),
    "crs.invalid_easting": (
        "横坐标不是高斯-克吕格东坐标（应为 0–1 000 000 或带号加 500 000 左右），坐标范围 {bbox}，坐标系 EPSG:{epsg}",
        "The eastings are not Gauss-Krüger eastings (0–1 000 000, or the zone number "
        "followed by about 500 000), extent {bbox}, EPSG:{epsg}",
    ),
    # Geometry and area (guotu.geo.area)
    "geometry.invalid": ("几何图形无效", "Invalid geometry"),
    "geometry.non_finite": (
        "坐标含有非数值或无穷大（NaN/Inf）：{where}",
        "The coordinates contain NaN or infinite values: {where}",
    ),
    "geometry.empty": (
        "第 {index} 个几何图形为空，无法计算面积",
        "Geometry {index} is empty or missing; its area cannot be computed",
    ),
    "geometry.not_polygon": (
        "第 {index} 个几何图形是 {geom_type}，面积只能对面（Polygon/MultiPolygon）计算",
        "Geometry {index} is a {geom_type}; areas need a Polygon or MultiPolygon",
    ),
    "area.invalid_value": (
        "面积值无效：{value}（须为有限的非负数）",
        "Invalid area value: {value} (it must be finite and not negative)",
    ),
    "area.adjust_impossible": (
        "无法平差：各部分面积之和为零，而总面积为 {total}",
        "Cannot adjust: the parts add up to zero while the total is {total}",
    ),
    # Overlay engine, version diff and file overlays (guotu.geo.overlay, guotu.geo.diff, guotu overlay / area)
    "overlay.empty_geometry": (
        "第 {index} 个{what}几何图形为空或缺失",
        "The geometry of {what} {index} is empty or missing",
    ),
    "overlay.not_polygon": (
        "第 {index} 个{what}几何图形是 {geom_type}，叠加分析只接受面（Polygon/MultiPolygon）",
        "The geometry of {what} {index} is a {geom_type}; overlays need a Polygon or MultiPolygon",
    ),
    "overlay.invalid_geometry": (
        "第 {index} 个{what}几何图形无效（{reason}），不能进行叠加分析：请先检查并修复",
        "The geometry of {what} {index} is invalid ({reason}); overlays never run on invalid "
        "geometry: check and repair it first",
    ),
    "overlay.length_mismatch": (
        "{name} 的个数（{size}）与要素个数（{expected}）不一致",
        "{name} has {size} values for {expected} features",
    ),
    "overlay.planar_geographic": (
        "EPSG:{epsg} 为经纬度坐标系，不能计算平面面积：请使用椭球面积",
        "EPSG:{epsg} is geographic: planar areas in degrees are meaningless; use the ellipsoidal area",
    ),
    "overlay.duplicate_layer": (
        "分区图层名称重复：{names}",
        "Zone layer names must be unique: {names}",
    ),
    "overlay.stream_chunk": (
        "数据块须为（几何, 分类）或（几何, 分类, 面积），实际有 {size} 项",
        "A chunk must be (geometries, classes) or (geometries, classes, areas), not {size} items",
    ),
    "overlay.file_unreadable": (
        "无法读取空间数据文件：{path}（{reason}）",
        "Cannot read the spatial data file: {path} ({reason})",
    ),
    "overlay.field_missing": (
        "文件 {path} 中没有字段 {field}（现有字段：{fields}）",
        "The file {path} has no field {field} (fields: {fields})",
    ),
    "overlay.crs_mismatch": (
        "两个图层的坐标系不同：{layer} 为 EPSG:{layer_epsg}，{zones} 为 EPSG:{zones_epsg}"
        "（可去掉 --no-transform 以自动换算）",
        "The layers are in different CRSs: {layer} is EPSG:{layer_epsg}, {zones} is EPSG:{zones_epsg} "
        "(drop --no-transform to convert the zones)",
    ),
    "diff.crs_mismatch": (
        "两个版本的坐标系不同：EPSG:{before} 与 EPSG:{after}",
        "The two versions are in different CRSs: EPSG:{before} and EPSG:{after}",
    ),
    "diff.field_missing": (
        "版本中没有分类字段 {field}",
        "The versions have no class field {field}",
    ),
}
