"""Catalogue texts for land-use classification (``guotu.domain.classification``, ``codes``)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "classification.code_not_found": (
        "找不到分类代码：{code}（{scheme}）",
        "Classification code not found: {code} ({scheme})",
    ),
    "classification.scheme_unknown": (
        "未知的分类体系：{scheme}（可选：{choices}）",
        "Unknown classification scheme: {scheme} (choose from: {choices})",
    ),
    "classification.use_unknown": (
        "无法识别的用地类型：{value}（请输入分类代码、分类名称或计划中的用地类别名称）",
        "Unknown land use: {value} (give a class code, a class name or a plan label)",
    ),
    "classification.format_unknown": (
        "不支持的输出格式：{value}（可选：{choices}）",
        "Unsupported output format: {value} (choose from: {choices})",
    ),
    # notes on stderr
    "classification.no_results": (
        "没有找到与“{text}”匹配的分类",
        "No class matches “{text}”",
    ),
    # table headers and section titles
    "classification.ui.scheme": ("分类体系", "Scheme"),
    "classification.ui.code": ("代码", "Code"),
    "classification.ui.level": ("级别", "Level"),
    "classification.ui.parent": ("上级代码", "Parent"),
    "classification.ui.name_zh": ("名称", "Chinese name"),
    "classification.ui.name_en": ("英文名称", "English name"),
    "classification.ui.confidence": ("可信度", "Confidence"),
    "classification.ui.class": ("分类", "Class"),
    "classification.ui.ancestors": ("上级分类", "Ancestors"),
    "classification.ui.children": ("下级分类", "Children"),
    "classification.ui.crosswalk": (
        "与其他分类体系的对应关系",
        "Correspondence with other schemes",
    ),
    "classification.ui.target_scheme": ("对应体系", "Target scheme"),
    "classification.ui.target_code": ("对应代码", "Target code"),
    "classification.ui.target_name": ("对应名称", "Target name"),
    "classification.ui.relation": ("关系", "Relation"),
    "classification.ui.via": ("依据上级", "Via ancestor"),
    "classification.ui.note": ("说明", "Note"),
    "classification.ui.plan_labels": ("供应计划中的用地类别名称", "Labels used in supply plans"),
    "classification.ui.label": ("计划用语", "Label"),
    "classification.ui.kind": ("类型", "Kind"),
    "classification.ui.codes": ("用地用海代码", "GTKJ2023 codes"),
    "classification.ui.codes_gbt": ("按 GB/T 21010 解读", "Read as GB/T 21010"),
    "classification.ui.none": ("（无）", "(none)"),
    # values
    "classification.relation.equal": ("等同", "equal"),
    "classification.relation.part_of": ("属于", "part of"),
    "classification.relation.contains": ("包含", "contains"),
    "classification.relation.overlaps": ("部分对应", "overlaps"),
    "classification.relation.none": ("无对应", "no equivalent"),
    "classification.confidence.confirmed": ("已核实", "confirmed"),
    "classification.confidence.knowledge": ("未核实", "unconfirmed"),
    "classification.kind.category": ("用地类别", "category"),
    "classification.kind.housing": ("住房用地子项", "housing sub-item"),
    "classification.kind.aggregate": ("汇总项", "aggregate"),
}
