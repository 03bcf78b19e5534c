"""Compliance knowledge base search in Chinese: N articles (default 5,000, ~600 characters each,
sentences drawn from a compliance vocabulary), query time of ``article_list_for(q=…)`` (first page
of 20 plus the count, as the list page does) for 2-, 3- and 5-character queries, next to a plain
``LIKE '%…%'`` scan of the same column (what the index saves).

SQLite uses the FTS5 trigram table, PostgreSQL the pg_trgm GIN index (compliance/search.py); one
and two characters fall back to LIKE on both. Runs on a throw-away SQLite file, or on
DDT_BENCH_DATABASE_URL (its compliance articles are deleted first).

Environment: DDT_BENCH_ARTICLES (default 5000), DDT_BENCH_ROUNDS (default 50).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from bench_registry import _setup

ARTICLES = int(os.environ.get("DDT_BENCH_ARTICLES", "5000"))
ROUNDS = int(os.environ.get("DDT_BENCH_ROUNDS", "50"))

PHRASES = [
    "跨境电商零售出口企业",
    "未取得有效进货凭证的货物",
    "试行增值税消费税免税政策",
    "应税所得率统一按照百分之四确定",
    "海外仓备货按一般贸易进口清关",
    "注册进口增值税一站式申报",
    "包裹申报价值和原产地",
    "商品归类与关税税率",
    "收到商标侵权投诉后应保存采购凭证",
    "通过平台申诉渠道提交证据",
    "出口货款与境外仓储物流费用轧差结算",
    "通过具备资质的支付机构办理跨境收付款",
    "平台对产品安全认证有明确要求",
    "违反平台规则可能导致账户冻结",
    "在主要目标市场提前注册自有商标",
    "进口商名义办理清关并缴纳税费",
    "按期办理增值税申报",
    "留存合同发票付款凭证等单证",
]
# common characters of Chinese text, for filler words
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"
    "子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体"
    "制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内"
    "数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提"
    "直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计"
)
QUERIES = [
    ("2 chars", "冻结"),
    ("3 chars", "增值税"),
    ("4 chars", "商标侵权"),
    ("5 chars", "海外仓备货"),
    ("5 chars, absent", "反倾销调查"),
]


def _seed() -> None:
    from accounts.services import user_create
    from compliance.models import Article, Topic
    from compliance.search import search_text_of

    Article.objects.all().delete()
    author = user_create(
        actor=None,
        username=f"bench_advisor_{random.randrange(10**9)}",
        password="Bench-Pass-2026",  # noqa: S106 - throw-away benchmark database
        role="partner",
        partner_kind="advisor",
        organisation="基准测试协会",
    )
    rng = random.Random(19)
    filler = ["".join(rng.choice(COMMON) for _ in range(rng.randint(2, 6))) for _ in range(3000)]
    rows = []
    for i in range(ARTICLES):
        # filler words of common characters, and each compliance phrase in ~5% of articles;
        # "反倾销调查" never appears
        words = [rng.choice(filler) for _ in range(150)]
        for phrase in PHRASES:
            if rng.random() < 0.05:
                words.insert(rng.randrange(len(words)), phrase)
        body = "，".join(words)[:600]
        title = f"合规指引第{i:05d}号"
        rows.append(
            Article(
                title=title,
                topic=rng.choice(Topic.values),
                body=body,
                author=author,
                organisation="基准测试协会",
                status="published",
                search_text=search_text_of(title, body),
            )
        )
    Article.objects.bulk_create(rows, batch_size=500)


def _time(fn: object) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def main() -> int:
    _setup()
    from django.db import connection

    from accounts.models import User
    from compliance.models import Article
    from compliance.selectors import article_list_for

    start = time.perf_counter()
    _seed()
    seeded = time.perf_counter() - start
    reader = User.objects.filter(partner_kind="advisor").order_by("-pk").first()

    def searched(q: str) -> object:
        def run() -> tuple[int, int]:
            qs = article_list_for(user=reader, filters={"q": q})
            return qs.count(), len(list(qs[:20]))

        return run

    def scanned(q: str) -> object:
        def run() -> tuple[int, int]:
            qs = Article.objects.filter(search_text__contains=q).order_by("-published_at", "-pk")
            return qs.count(), len(list(qs[:20]))

        return run

    print(
        f"{connection.vendor}: {ARTICLES} articles (seeded in {seeded:.1f} s), "
        f"{ROUNDS} rounds per query"
    )
    print(f"{'query':20} {'text':8} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8} {'LIKE p95':>9}")
    for label, q in QUERIES:
        hits = searched(q)()[0]  # type: ignore[operator]
        mine, like = _time(searched(q)), _time(scanned(q))
        print(
            f"{label:20} {q:8} {hits:6} {statistics.median(mine):8.1f} {p95(mine):8.1f} "
            f"{p95(like):9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
