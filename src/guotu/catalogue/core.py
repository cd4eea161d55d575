"""Catalogue texts shared by every part of guotu: generic errors and CLI labels."""

MESSAGES: dict[str, tuple[str, str]] = {
    "guotu.error": ("操作失败", "The operation failed"),
    "input.invalid": ("输入无效：{detail}", "Invalid input: {detail}"),
    "input.option_invalid": (
        "参数 {option} 的值无效：{value}（可选：{choices}）",
        "Invalid value for {option}: {value} (choose from: {choices})",
    ),
    "file.not_found": ("找不到文件：{path}", "File not found: {path}"),
    "file.not_a_file": ("不是普通文件：{path}", "Not a regular file: {path}"),
    "file.write_failed": (
        "无法写入文件：{path}（{reason}）",
        "Cannot write file: {path} ({reason})",
    ),
    "object.not_found": ("找不到对象：{name}", "Not found: {name}"),
    "object.conflict": ("对象已被修改：{name}", "The object was changed meanwhile: {name}"),
    "storage.failed": ("数据存储出错：{detail}", "Storage error: {detail}"),
    "config.invalid": ("配置无效：{detail}", "Invalid configuration: {detail}"),
    "dependency.missing": (
        "缺少依赖程序：{name}。{hint}",
        "A required program is missing: {name}. {hint}",
    ),
    "layer.kind_unknown": (
        "未知的图层类型：{kind}（可选：{choices}）",
        "Unknown layer kind: {kind} (choose from: {choices})",
    ),
    "layer.kind_mismatch": (
        "图层 {layer} 的类型为 {kind}，不能导入为 {given}",
        "Layer {layer} is of kind {kind}; it cannot take a {given} import",
    ),
    "layer.field_missing": ("图层 {layer} 没有字段 {field}", "Layer {layer} has no field {field}"),
    "layer.crs_differs": (
        "图层 {layer}（EPSG:{crs}）与 {other}（EPSG:{other_crs}）坐标系不同",
        "Layers {layer} (EPSG:{crs}) and {other} (EPSG:{other_crs}) are in different CRSs",
    ),
    "cli.error_prefix": ("错误", "Error"),
    "cli.internal_error": (
        "内部错误（请用 -v 查看详情并报告）：{detail}",
        "Internal error (run with -v for details and report it): {detail}",
    ),
    # The store (guotu.store) and ``guotu db``
    "jurisdiction.invalid": (
        "行政区的 {field} 无效：{value}（{reason}）",
        "Invalid jurisdiction {field}: {value} ({reason})",
    ),
    "jurisdiction.boundary_invalid": (
        "行政区 {code} 的边界无法读取：{reason}",
        "The boundary of jurisdiction {code} cannot be read: {reason}",
    ),
    "layer.not_found": ("找不到图层：{name}", "Layer not found: {name}"),
    "layer.exists": ("图层已存在：{name}", "The layer already exists: {name}"),
    "layer.name_invalid": ("图层名称无效：{name}（{reason}）", "Invalid layer name: {name} ({reason})"),
    "version.not_found": ("图层 {layer} 没有版本 {version}", "Layer {layer} has no version {version}"),
    "version.none_in_force": (
        "图层 {layer} 在 {date} 没有现行版本",
        "Layer {layer} had no version in force on {date}",
    ),
    "version.stale": (
        "图层 {layer} 已被他人更新：本次修改基于版本 {expected}，当前最新为版本 {actual}。请重新读取后再提交",
        "Layer {layer} was changed meanwhile: this change started from version {expected}, "
        "the latest is now version {actual}. Reload and try again",
    ),
    "version.transition": (
        "图层 {layer} 版本 {version} 的法定状态不能从“{current}”改为“{target}”（只允许 在编→现行→已废止）",
        "The legal status of layer {layer} version {version} cannot change from {current} to {target} "
        "(only 在编 → 现行 → 已废止)",
    ),
    "version.effective_date_required": (
        "图层 {layer} 版本 {version} 设为现行须提供生效日期",
        "Layer {layer} version {version} needs an effective date to come into force",
    ),
    "version.effective_date_order": (
        "图层 {layer}：日期 {date} 早于版本 {previous} 的生效日期 {previous_date}",
        "Layer {layer}: the date {date} is before the effective date {previous_date} of version {previous}",
    ),
    "version.effective_date_locked": (
        "图层 {layer} 版本 {version} 已是“{status}”，其日期不能再修改",
        "Layer {layer} version {version} is already {status}: its dates can no longer change",
    ),
    "version.feature_id_invalid": (
        "第 {index} 个要素的标识码无效：{reason}",
        "The identifier of feature {index} is invalid: {reason}",
    ),
    "version.attribute_invalid": (
        "要素 {feature_id} 的属性无法保存：{reason}",
        "The attributes of feature {feature_id} cannot be stored: {reason}",
    ),
    "store.url_invalid": (
        "无法识别的数据库地址（{scheme}://…）：应为 sqlite:///路径 或 postgresql://…",
        "Unrecognised database URL ({scheme}://…): use sqlite:///path or postgresql://…",
    ),
    "store.open_failed": ("无法打开数据库 {target}：{reason}", "Cannot open the database {target}: {reason}"),
    "store.connect_failed": ("无法连接数据库 {target}：{reason}", "Cannot connect to the database {target}: {reason}"),
    "store.closed": ("数据库连接已关闭", "The store is closed"),
    "store.network_fs": (
        "数据库文件位于网络文件系统（{fstype}）上：{path}。网络文件系统的文件锁不可靠，会损坏 SQLite 数据库；"
        "请改用本地磁盘或 PostgreSQL，确需如此可设置 GUOTU_ALLOW_NETWORK_FS=1",
        "The database file is on a network filesystem ({fstype}): {path}. Its locking is unreliable and "
        "corrupts SQLite databases; use a local disk or PostgreSQL, or set GUOTU_ALLOW_NETWORK_FS=1 to force it",
    ),
    "store.busy": ("数据库正忙，请稍后重试（{detail}）", "The database is busy; try again later ({detail})"),
    "store.full": ("磁盘空间不足，数据未写入（{detail}）", "The disk is full; nothing was written ({detail})"),
    "store.immutable": (
        "已入库的版本内容不可修改（{detail}）",
        "The content of a stored version cannot be changed ({detail})",
    ),
    "store.staging_lost": (
        "图层 {layer} 的待入库数据已被清理（进程被判定为已退出），请重新导入",
        "The staged data of layer {layer} was removed (its process was taken for dead); import again",
    ),
    "store.schema_missing": (
        "数据库尚未初始化（结构版本 {current}，需要 {required}）：请先运行 guotu db init",
        "The database is not initialised (schema version {current}, {required} needed): run guotu db init",
    ),
    "store.schema_too_new": (
        "数据库结构版本 {current} 高于本程序支持的版本 {supported}：请升级 guotu",
        "The database schema version {current} is newer than this program supports ({supported}): upgrade guotu",
    ),
    "store.bbox_invalid": (
        "查询范围无效：{bbox}（应为 minx, miny, maxx, maxy 且 min ≤ max）",
        "Invalid bounding box: {bbox} (minx, miny, maxx, maxy with min ≤ max)",
    ),
    "store.not_empty": (
        "目标数据库 {target} 不为空：只能恢复到空库",
        "The target database {target} is not empty: a backup restores only into an empty store",
    ),
    "store.backup_exists": ("备份文件已存在：{path}", "The backup file already exists: {path}"),
    "store.backup_failed": ("备份失败：{path}（{reason}）", "The backup failed: {path} ({reason})"),
    "store.backup_invalid": (
        "不是本系统可恢复的备份：{path}（{reason}）",
        "Not a backup this store can restore: {path} ({reason})",
    ),
    "store.restore_failed": (
        "恢复失败，数据库保持原状：{path}（{reason}）",
        "The restore failed and the database was left as it was: {path} ({reason})",
    ),
    "db.initialised": (
        "数据库已就绪：{target}（结构版本 {version}）",
        "The database is ready: {target} (schema version {version})",
    ),
    "db.migrated": ("已升级数据库结构：{target}，执行迁移 {applied}", "Migrated {target}: applied {applied}"),
    "db.up_to_date": (
        "数据库结构已是最新：{target}（结构版本 {version}）",
        "The database schema is up to date: {target} (version {version})",
    ),
    "db.backed_up": ("已备份 {target} 到 {path}", "Backed up {target} to {path}"),
    "db.restored": ("已从 {path} 恢复到 {target}", "Restored {path} into {target}"),
}
