"""Options -> a short methodology note in Chinese or English, for result pages."""

from __future__ import annotations

from indicators.engine.options import Options

_NORMALISATION = {
    "rules": (
        "各叶子指标按自身评分规则换算为0–100分（目标值法、分档、等级、是否、同级百分位）",
        (
            "each leaf indicator is scored 0–100 by its own rule (goalposts, bands, rubric, "
            "yes/no, peer percentile)"
        ),
    ),
    "minmax": (
        "连续型指标在同级单位内做最小–最大标准化（最差0分、最好100分）",
        "continuous indicators are min–max normalised within the peer group (worst 0, best 100)",
    ),
    "zscore": (
        "连续型指标在同级单位内做标准分（50 + 10×z，限定在0–100）",
        "continuous indicators are z-scored within the peer group (50 + 10·z, kept in 0–100)",
    ),
    "rank": (
        "连续型指标按同级单位内的名次换算（第一名100分、最后一名0分）",
        "continuous indicators are scored by rank within the peer group (first 100, last 0)",
    ),
    "percentile": (
        "连续型指标按同级单位内的百分位换算（并列各计一半）",
        "continuous indicators are scored by percentile within the peer group (ties count half)",
    ),
    "distance_to_target": (
        "连续型指标按与目标值的距离换算（达到目标100分，同级最差0分）",
        (
            "continuous indicators are scored by distance to target (target reached 100, the "
            "peer group's worst 0)"
        ),
    ),
    "fraction_of_max": (
        "连续型指标按占同级最好值的比例换算",
        "continuous indicators are scored as a fraction of the best value in the peer group",
    ),
}


def describe(options: Options, lang: str = "zh") -> str:
    """A few plain sentences; ``lang`` is ``"zh"`` or ``"en"``."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    zh = lang == "zh"
    parts: list[str] = []

    def say(chinese: str, english: str) -> None:
        parts.append(chinese if zh else english)

    o = options
    say(*_NORMALISATION[o.normalisation])
    if o.normalisation != "rules":
        say(
            "等级类、是否类指标仍按自身规则计分",
            "rubric and yes/no indicators keep their own rule",
        )
    if o.outliers and o.normalisation in ("minmax", "zscore"):
        say(
            f"标准化前对偏度绝对值≥{o.outlier_skew:g}且峰度≥{o.outlier_kurt:g}的指标做缩尾处理"
            f"（最多{o.outlier_winmax}个值），仍不满足时改做对数变换",
            f"before normalising, indicators with |skewness| ≥ {o.outlier_skew:g} and kurtosis "
            f"≥ {o.outlier_kurt:g} are winsorised (up to {o.outlier_winmax} values), or "
            "log-transformed if that is not enough",
        )
    cov = f"{o.min_coverage:.0%}"
    if o.missing == "impute":
        say(
            f"缺失的指标得分用同级单位的平均分代替并标注；无法填补时按可得权重计算，"
            f"可得权重低于{cov}的不计分",
            "a missing indicator score is replaced by the peer-group mean and flagged; where "
            f"that is impossible the remaining weights are rescaled, and a score needs at least "
            f"{cov} of the weight",
        )
    else:
        say(
            f"缺失数据不计入，按可得指标的权重重新加权；可得权重低于{cov}时该项不计分",
            "missing data are left out and the remaining weights rescaled; a score needs at "
            f"least {cov} of the weight to be present",
        )
    if o.aggregation == "arithmetic":
        say(
            "逐级加权算术平均汇总为总分",
            "scores are combined level by level by weighted mean",
        )
    else:
        say(
            "逐级加权几何平均汇总为总分（短板不能被长板完全弥补）",
            "scores are combined level by level by weighted geometric mean (a weak spot is "
            "not fully offset by strengths)",
        )
    say(
        f"按保留{o.precision}位小数的得分从高到低排名，同分并列取最好名次",
        f"ranks use the score rounded to {o.precision} decimals, highest first; equal scores "
        "share the best rank",
    )
    eps = f"{o.sensitivity_epsilon:.0%}"
    lo, hi = (f"{q:.0%}" for q in o.sensitivity_interval)
    say(
        f"名次区间：权重随机浮动±{eps}，抽样{o.sensitivity_draws}次，取名次的{lo}–{hi}分位",
        f"rank intervals: weights varied by ±{eps} over {o.sensitivity_draws} random draws, "
        f"{lo}–{hi} quantiles of the rank",
    )
    if o.sensitivity_methods:
        methods = "、".join(o.sensitivity_methods) if zh else ", ".join(o.sensitivity_methods)
        say(
            f"每次抽样随机选用一种标准化方法（{methods}）",
            f"each draw picks one of: {methods}",
        )
    if zh:
        return "；".join(parts) + "。"
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]
