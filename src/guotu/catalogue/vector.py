"""Catalogue texts for vector files (``guotu.io``) and layer quality checks (``guotu.geo.quality``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # Reading: inputs and archives (guotu.io.vector_read)
    "vector.format_unknown": (
        "无法识别的矢量数据格式：{path}（支持 Shapefile、GeoPackage、GeoJSON、FileGDB、GeoParquet 及其 zip 压缩包）",
        "Unknown vector format: {path} (shapefile, GeoPackage, GeoJSON, FileGDB, GeoParquet, or a zip of them)",
    ),
    "vector.format_mismatch": (
        "文件 {path} 的内容与其格式不符（应为 {expected}）",
        "The content of {path} does not match its format (expected {expected})",
    ),
    "vector.unreadable": ("无法读取矢量数据 {path}：{reason}", "Cannot read the vector data {path}: {reason}"),
    "vector.unsafe_archive": (
        "压缩包 {path} 不安全，已拒绝：{reason}",
        "The archive {path} is unsafe and was refused: {reason}",
    ),
    "vector.archive_limit": (
        "压缩包 {path} 超出限制，已拒绝：{reason}",
        "The archive {path} exceeds a limit and was refused: {reason}",
    ),
    "vector.archive_corrupt": ("压缩包 {path} 已损坏或无法读取：{reason}", "The archive {path} is damaged: {reason}"),
    "vector.no_layer": ("{path} 中没有可读取的矢量图层", "{path} holds no vector layer"),
    "vector.multiple_layers": (
        "{path} 包含 {count} 个图层：{layers}。请指定要导入的图层",
        "{path} holds {count} layers: {layers}. Choose the layer to import",
    ),
    "vector.layer_not_found": (
        "{path} 中没有图层 {layer}（现有图层：{layers}）",
        "{path} has no layer {layer} (layers: {layers})",
    ),
    "vector.shapefile_incomplete": (
        "Shapefile 图层 {layer} 不完整，缺少：{missing}（.shp、.shx、.dbf 缺一不可）",
        "The shapefile layer {layer} is incomplete; missing: {missing} (.shp, .shx and .dbf are all required)",
    ),
    "vector.shapefile_corrupt": (
        "Shapefile {path} 已损坏：{reason}",
        "The shapefile {path} is damaged: {reason}",
    ),
    "vector.dbf_invalid": ("属性表 {path} 无效：{reason}", "The attribute table {path} is invalid: {reason}"),
    "vector.encoding_unknown": (
        "无法确定属性表 {path} 的字符编码（UTF-8 与 GB18030 均无法解码）。请指定编码",
        "Cannot tell the text encoding of {path} (neither UTF-8 nor GB18030 decodes it). Please name the encoding",
    ),
    "vector.encoding_mismatch": (
        "属性表 {path} 声明的编码 {declared}（来自 {source}）无法解码其内容；{suggested} 可以解码，例如：{samples}。"
        "请确认后指定编码",
        "The encoding {declared} declared by {source} does not decode {path}; {suggested} does, "
        "for example: {samples}. Confirm and name the encoding",
    ),
    "vector.geometry_type": (
        "面图层 {path} 中含有非面要素：{found}（第 {index} 个要素起）",
        "The area layer {path} holds features that are not polygons: {found} (first at feature {index})",
    ),
    "vector.limit": (
        "数据超出限制：{what} 为 {value}，上限 {limit}",
        "The data exceed a limit: {what} is {value}, the limit is {limit}",
    ),
    "vector.gpkg_corrupt": (
        "GeoPackage {path} 已损坏，已拒绝：{reason}",
        "The GeoPackage {path} is damaged and was refused: {reason}",
    ),
    "vector.gpkg_unsafe": (
        "GeoPackage {path} 含有不安全的数据库对象，已拒绝：{reason}",
        "The GeoPackage {path} holds unsafe database objects and was refused: {reason}",
    ),
    "vector.field_missing": (
        "图层中没有字段 {field}（现有字段：{fields}）",
        "The layer has no field {field} (fields: {fields})",
    ),
    # Writing (guotu.io.vector_write)
    "vector.driver_unknown": (
        "不支持的输出格式：{driver}（可选：{choices}）",
        "Unsupported output format: {driver} (choose from: {choices})",
    ),
    "vector.output_exists": ("输出文件已存在：{path}", "The output already exists: {path}"),
    "vector.unencodable": (
        "字段 {field} 的值无法用 {encoding} 编码：{value}。请改用 UTF-8",
        "A value of {field} cannot be encoded in {encoding}: {value}. Use UTF-8",
    ),
    "vector.value_too_long": (
        "字段 {field} 的值长 {size} 字节，超过 Shapefile 的 {limit} 字节上限。请改用 GeoPackage",
        "A value of {field} is {size} bytes long, over the shapefile limit of {limit}. Use GeoPackage",
    ),
    "vector.too_large_for_shapefile": (
        "数据超过 Shapefile 的 2 GB 限制（{part} 约 {size} 字节）。请改用 GeoPackage 或 FileGDB",
        "The data exceed the shapefile's 2 GB limit ({part} about {size} bytes). Use GeoPackage or FileGDB",
    ),
    # Quality findings (guotu.geo.quality); index = feature number, id = feature id
    "qc.invalid_geometry": (
        "要素 {id} 的几何图形无效：{reason}",
        "The geometry of feature {id} is invalid: {reason}",
    ),
    "qc.empty_geometry": ("要素 {id} 没有几何图形（空或缺失）", "Feature {id} has no geometry (empty or missing)"),
    "qc.geometry_unreadable": (
        "要素 {id} 的几何图形无法读取：{reason}",
        "The geometry of feature {id} cannot be read: {reason}",
    ),
    "qc.degenerate_part": (
        "要素 {id} 含有 {count} 个面积为零或退化的部分",
        "Feature {id} has {count} part(s) with zero area or collapsed rings",
    ),
    "qc.duplicate_geometry": (
        "要素 {id} 与要素 {other_id} 的几何图形完全相同",
        "Feature {id} has the same geometry as feature {other_id}",
    ),
    "qc.overlap": (
        "要素 {id} 与要素 {other_id} 重叠 {area} 平方米",
        "Feature {id} overlaps feature {other_id} by {area} m²",
    ),
    "qc.gap": (
        "图层内存在 {area} 平方米的缝隙（该图层应无缝覆盖其范围）",
        "The layer has a gap of {area} m² (it must cover its extent without gaps)",
    ),
    "qc.sliver": (
        "要素 {id} 为碎片多边形：面积 {area} 平方米，平均宽度 {width} 米",
        "Feature {id} is a sliver: {area} m², {width} m wide on average",
    ),
    "qc.required_field_missing": (
        "图层缺少必填字段 {field}",
        "The layer lacks the required field {field}",
    ),
    "qc.required_value_missing": (
        "要素 {id} 的必填字段 {field} 为空",
        "The required field {field} of feature {id} is empty",
    ),
    "qc.code_not_text": (
        "要素 {id} 的字段 {field} 以数字 {value} 存储分类代码，前导零可能已丢失（代码应为文本）",
        "Feature {id} stores the code in {field} as the number {value}; leading zeros may be lost (codes are text)",
    ),
    "qc.domain_value": (
        "要素 {id} 的字段 {field} 的值 {value} 不是 {scheme} 中的有效代码",
        "The value {value} of {field} in feature {id} is not a valid {scheme} code",
    ),
    "qc.area_mismatch": (
        "要素 {id} 的面积字段 {field} 为 {stated} 平方米，计算的椭球面积为 {computed} 平方米，相差 {difference} 平方米",
        "Feature {id}: {field} says {stated} m², the ellipsoidal area is {computed} m², {difference} m² apart",
    ),
    "qc.area_not_numeric": (
        "要素 {id} 的面积字段 {field} 不是数值：{value}",
        "The area field {field} of feature {id} is not a number: {value}",
    ),
    # Notes from the reader, reported as findings
    "qc.encoding_guessed": (
        "未声明字符编码，按内容判定为 {encoding}，请核对示例：{samples}",
        "No encoding was declared; the text reads as {encoding}. Please check these samples: {samples}",
    ),
    "qc.cpg_unknown": (
        "无法识别 .cpg 文件声明的编码：{cpg}，已按内容判定",
        "Unknown .cpg encoding {cpg}; the encoding was detected instead",
    ),
    "qc.field_renamed": (
        "字段名在 10 字节处被截断，无法完整解码，已改名为 {field}",
        "A field name was cut at 10 bytes and cannot be decoded whole; it was renamed {field}",
    ),
    "qc.value_truncated": (
        "字段 {field} 有 {count} 个值在字段宽度处截断了半个汉字",
        "{count} values of {field} were cut in the middle of a character by the field width",
    ),
    "qc.value_unreadable": (
        "字段 {field} 有 {count} 个值无法读取（溢出或格式错误），按空值处理",
        "{count} values of {field} cannot be read (overflow or bad format) and are taken as empty",
    ),
    "qc.field_unsupported": (
        "字段 {field} 的类型 {dbf_type} 不受支持，其值未读取",
        "The field {field} has the unsupported type {dbf_type}; its values were not read",
    ),
    "qc.z_dropped": ("{count} 个要素的 Z 值（高程）已去除", "Z values were dropped from {count} features"),
    "qc.m_dropped": ("{count} 个要素的 M 值（量测值）已去除", "M values were dropped from {count} features"),
    "qc.curves_linearised": (
        "{count} 个要素含曲线，已按 {tolerance} 的最大偏差转为折线",
        "{count} features had curves, converted to segments within {tolerance}",
    ),
    "qc.crs_overridden": (
        "坐标系已按确认改为 EPSG:{epsg}（文件声明：{declared}）",
        "The CRS was set to EPSG:{epsg} as confirmed (the file said: {declared})",
    ),
    "qc.crs_wgs84": (
        "{format} 的坐标按其规范为 WGS 84 经纬度（{declared}），"
        "按 2000国家大地坐标系（EPSG:4490）读取（二者相差厘米级）",
        "{format} coordinates are WGS 84 longitude/latitude by its specification ({declared}); "
        "read as CGCS2000 (EPSG:4490), which differs by centimetres",
    ),
    "qc.id_field_unusable": (
        "标识字段 {field} 不能作为要素标识（{missing} 个空值，重复值：{duplicates}），已改用原始要素编号",
        "The id field {field} cannot identify features ({missing} empty, duplicates: {duplicates}); "
        "the source FIDs are used instead",
    ),
}
