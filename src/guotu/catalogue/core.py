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
    "cli.error_prefix": ("错误", "Error"),
    "cli.internal_error": (
        "内部错误（请用 -v 查看详情并报告）：{detail}",
        "Internal error (run with -v for details and report it): {detail}",
    ),
}
