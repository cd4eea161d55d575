"""Catalogue texts for reading documents (``guotu.documents``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "document.unreadable": ("无法读取文件：{path}", "Cannot read the document: {path}"),
    "document.empty": ("文件为空：{path}", "The document is empty: {path}"),
    "document.too_large": (
        "文件过大：{path}（{size} 字节，上限 {limit} 字节）",
        "The document is too large: {path} ({size} bytes, limit {limit} bytes)",
    ),
    "document.too_many_pages": (
        "PDF 页数过多：{path}（{pages} 页，上限 {limit} 页）",
        "The PDF has too many pages: {path} ({pages} pages, limit {limit})",
    ),
    "document.unsupported_type": (
        "不支持的文件类型：{path}（支持 .txt .docx .pdf .doc .wps）",
        "Unsupported file type: {path} (supported: .txt .docx .pdf .doc .wps)",
    ),
    "document.type_mismatch": (
        "文件内容与扩展名不符：{path}（扩展名 {extension}，内容为 {detected}）",
        "The file content does not match its extension: {path} (extension {extension}, content looks like {detected})",
    ),
    "document.encoding_unknown": (
        "无法识别文本编码：{path}（已尝试 UTF-8、GB18030）",
        "Unknown text encoding: {path} (tried UTF-8 and GB18030)",
    ),
    "document.encrypted": (
        "文件已加密，请先解除密码保护：{path}",
        "The document is encrypted; remove the password first: {path}",
    ),
    "document.corrupt": (
        "文件已损坏或格式错误：{path}（{reason}）",
        "The document is corrupt: {path} ({reason})",
    ),
    "document.no_text": (
        "文件中没有可提取的文字（可能是扫描件，需先做文字识别）：{path}",
        "The document has no extractable text (probably a scan; run OCR first): {path}",
    ),
    "document.unsafe": (
        "文件包含不安全内容，已拒绝：{path}（{reason}）",
        "The document contains unsafe content and was refused: {path} ({reason})",
    ),
    "document.archive_limit": (
        "文件压缩结构超出限制：{path}（{reason}）",
        "The document's archive exceeds a limit: {path} ({reason})",
    ),
    "document.timeout": (
        "读取文件超时或超出资源限制：{path}",
        "Reading the document timed out or exceeded its resource limits: {path}",
    ),
    "document.libreoffice_missing": (
        "读取 {extension} 文件需要 LibreOffice。请安装（Debian/Ubuntu：apt-get install "
        "libreoffice-writer-nogui；Windows：从 libreoffice.org 安装），或先另存为 .docx：{path}",
        "Reading {extension} files needs LibreOffice. Install it (Debian/Ubuntu: apt-get "
        "install libreoffice-writer-nogui; Windows: from libreoffice.org) or save the file "
        "as .docx first: {path}",
    ),
    "document.conversion_failed": (
        "LibreOffice 转换失败：{path}（{reason}）",
        "LibreOffice could not convert the document: {path} ({reason})",
    ),
}
