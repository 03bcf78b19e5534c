"""The demo data set: fictitious but realistic enterprises of Lianyungang's CBEC industry belts.

Pure data and a deterministic generator: the same seed always yields the same enterprises (with
valid generated USCCs), so loading twice creates no duplicates. Names are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from enterprises.demo import generate_uscc, make_customs_code

SEED = 20241120
DEMO_PASSWORD = "Ddt-Demo-2026"  # noqa: S105 - printed demo login, demo data only

# (belt name, county code, products, English name, name stems, product word)
BELTS: list[tuple[str, str, str, str, list[str], str]] = [
    (
        "东海水晶",
        "320722",
        "水晶工艺品、水晶饰品",
        "Donghai crystal",
        ["晶华", "水韵", "晶之源", "明珠", "晶彩", "琉光", "晶艺", "天晶", "晶耀", "紫晶"],
        "水晶工艺品",
    ),
    (
        "东海穿戴甲",
        "320722",
        "穿戴甲、美甲用品",
        "Donghai press-on nails",
        ["美甲坊", "指尖", "甲艺", "丽人", "彩绘", "纤指", "甲尚", "蔻丹"],
        "美甲用品",
    ),
    (
        "灌云主题服饰",
        "320723",
        "主题服饰、内衣",
        "Guanyun themed apparel",
        ["伊人", "霓裳", "锦绣", "云裳", "蝶舞", "绮罗", "丝语", "衣恋"],
        "服饰",
    ),
    (
        "赣榆海产品",
        "320707",
        "海鲜、紫菜、海产干货",
        "Ganyu seafood",
        ["海头", "海之鲜", "渔港", "蓝海", "海韵", "紫菜坊", "渔家", "海丰"],
        "海产品",
    ),
    (
        "海州美妆个护",
        "320706",
        "美妆、个护用品",
        "Haizhou cosmetics",
        ["花颜", "悦容", "雅姿", "素肌", "芳华", "丽颜"],
        "化妆品",
    ),
    (
        "连云特色糖果",
        "320703",
        "特色糖果、休闲食品",
        "Lianyun confectionery",
        ["甜蜜", "港城", "海滨", "糖果屋", "蜜语"],
        "食品",
    ),
    (
        "灌南生活用纸",
        "320724",
        "生活用纸",
        "Guannan household paper",
        ["洁柔", "纸韵", "清风", "云绵"],
        "纸业",
    ),
    (
        "开发区汽车零配件",
        "320771",
        "汽车零配件、机械设备",
        "ETDZ auto parts",
        ["恒通", "精工", "远航", "力拓", "中驰", "华鼎"],
        "汽车零部件",
    ),
    (
        "高新区宠物用品",
        "320772",
        "宠物用品、玩具",
        "High-tech zone pet supplies",
        ["萌宠", "乐宠", "宠爱", "趣玩"],
        "宠物用品",
    ),
    (
        "徐圩新材料",
        "3207X1",
        "新材料、石化产品",
        "Xuwei new materials",
        ["新材", "华盛", "瀚海"],
        "新材料",
    ),
]

PARKS: list[tuple[str, str]] = [
    ("东海县跨境电商产业园", "320722"),
    ("赣榆海头电商产业园", "320707"),
    ("灌云主题服饰跨境电商集聚区", "320723"),
    ("连云港综合保税区跨境电商园", "320771"),
    ("海州跨境电商创新园", "320706"),
    ("高新区数字贸易产业园", "320772"),
]

SUFFIXES = ["有限公司", "科技有限公司", "贸易有限公司", "电子商务有限公司", "实业有限公司"]
COUNTY_PREFIX = {
    "320703": "连云港",
    "320706": "连云港",
    "320707": "赣榆",
    "320722": "东海县",
    "320723": "灌云县",
    "320724": "灌南县",
    "320771": "连云港",
    "320772": "连云港",
    "3207X1": "连云港",
    "3207X2": "连云港",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
]
SITE_WORDS = ["crystal", "nails", "wear", "sea", "beauty", "sweet", "paper", "parts", "pet", "mat"]


@dataclass(frozen=True)
class DemoEnterprise:
    key: str
    uscc: str
    customs_code: str
    name: str
    county: str
    kind: str
    belt: str | None
    park: str | None
    first_cbec_year: int | None
    independent_site_url: str
    contact_name: str
    contact_phone: str
    status: str
    recognitions: tuple[tuple[str, str, int], ...] = field(default=())


def _person(rng: random.Random) -> tuple[str, str]:
    name = (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
    )
    phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    return name, phone


def generate(count: int = 200) -> list[DemoEnterprise]:
    """``count`` enterprises spread over the belts, every county/zone and every kind."""
    rng = random.Random(SEED)
    result: list[DemoEnterprise] = []
    used_names: set[str] = set()
    park_by_county = {county: name for name, county in PARKS}
    special: list[tuple[str, str, str | None]] = [
        # (kind, county, belt) for the non-manufacturer roles, so every kind and county exists
        ("park_operator", "320722", "东海水晶"),
        ("park_operator", "320707", "赣榆海产品"),
        ("park_operator", "320723", "灌云主题服饰"),
        ("park_operator", "320771", None),
        ("warehouse_operator", "320771", None),
        ("warehouse_operator", "320706", None),
        ("warehouse_operator", "320722", None),
        ("warehouse_operator", "320703", None),
        ("platform", "320706", None),
        ("platform", "320722", "东海水晶"),
        ("service_provider", "320703", None),
        ("service_provider", "3207X2", None),
        ("service_provider", "320772", None),
        ("trader", "3207X2", None),
    ]
    for i in range(count):
        if i < len(special):
            kind, county, belt_name = special[i]
        else:
            belt_row = BELTS[(i * 7 + rng.randrange(3)) % len(BELTS)]
            belt_name, county = belt_row[0], belt_row[1]
            kind = rng.choices(["manufacturer", "trader"], weights=[3, 2])[0]
        belt = next((b for b in BELTS if b[0] == belt_name), None)
        product = (
            belt[5]
            if belt
            else {
                "park_operator": "产业园运营",
                "warehouse_operator": "国际物流",
                "platform": "网络科技",
                "service_provider": "供应链管理",
                "trader": "进出口",
            }[kind]
        )
        stems = (
            belt[4]
            if belt
            else ["港通", "海联", "丝路", "东方", "新亚欧", "陆桥", "云台", "花果山"]
        )
        while True:
            name = (
                f"{COUNTY_PREFIX[county]}{rng.choice(stems)}{rng.choice('华盛鑫泰源达嘉丰宏润')}"
                f"{product}{rng.choice(SUFFIXES)}"
            )
            if name not in used_names:
                used_names.add(name)
                break
        contact_name, phone = _person(rng)
        first_year = rng.choice(
            [None, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2024, 2025, 2025, 2026]
        )
        site = ""
        if kind in {"manufacturer", "trader", "platform"} and rng.random() < 0.22:
            site = f"https://www.lyg-{rng.choice(SITE_WORDS)}{i:03d}.com"
        recognitions: list[tuple[str, str, int]] = []
        if kind in {"manufacturer", "trader"} and rng.random() < 0.12:
            recognitions.append(("benchmark", "municipal", rng.choice([2024, 2025, 2026])))
        if kind in {"manufacturer", "trader"} and rng.random() < 0.06:
            recognitions.append(
                ("brand", rng.choice(["provincial", "provincial", "national"]), 2025)
            )
        if kind == "park_operator" and rng.random() < 0.75:
            recognitions.append(("park", "provincial", rng.choice([2025, 2026])))
        if kind == "warehouse_operator" and rng.random() < 0.75:
            recognitions.append(("public_warehouse", "municipal", rng.choice([2025, 2026])))
        if kind == "platform":
            recognitions.append(("regional_center", "", 2025))
        result.append(
            DemoEnterprise(
                key=f"E{i + 1:03d}",
                uscc=generate_uscc(rng, region=county),
                customs_code=make_customs_code(rng, county) if rng.random() < 0.85 else "",
                name=name,
                county=county,
                kind=kind,
                belt=belt_name,
                park=park_by_county.get(county) if rng.random() < 0.55 else None,
                first_cbec_year=first_year,
                independent_site_url=site,
                contact_name=contact_name,
                contact_phone=phone,
                status="pending" if rng.random() < 0.05 else "active",
                recognitions=tuple(recognitions),
            )
        )
    return result


# Demo logins: (username, role, binding, display name). Binding: county code, enterprise key,
# or partner kind.
USERS: list[tuple[str, str, str, str]] = [
    ("admin", "administrator", "", "平台管理员"),
    ("city", "city_reviewer", "", "市商务局 审核员"),
    ("finance", "finance_officer", "", "市商务局 财务"),
    ("county_lianyun", "county_officer", "320703", "连云区商务局"),
    ("county_haizhou", "county_officer", "320706", "海州区商务局"),
    ("county_ganyu", "county_officer", "320707", "赣榆区商务局"),
    ("county_donghai", "county_officer", "320722", "东海县商务局"),
    ("county_guanyun", "county_officer", "320723", "灌云县商务局"),
    ("county_guannan", "county_officer", "320724", "灌南县商务局"),
    ("county_etdz", "county_officer", "320771", "经济技术开发区"),
    ("county_hitech", "county_officer", "320772", "高新区"),
    ("county_xuwei", "county_officer", "3207X1", "徐圩新区"),
    ("county_yuntai", "county_officer", "3207X2", "云台山景区"),
    ("bank", "partner", "bank", "示例银行连云港分行"),
    ("insurer", "partner", "insurer", "示例保险连云港中心支公司"),
    ("logistics", "partner", "logistics", "示例国际物流"),
    ("warehouse", "partner", "warehouse", "示例海外仓"),
    ("jingmaotong", "partner", "service_platform", "晶贸通外贸综合服务平台"),
    ("advisor", "partner", "advisor", "连云港跨境电商协会"),
    ("enterprise_a", "enterprise", "first:320722", "企业用户 A（东海县）"),
    ("enterprise_b", "enterprise", "first:320707", "企业用户 B（赣榆区）"),
]
