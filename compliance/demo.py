"""Demo compliance desk, through the services: the advisory organisation ``advisor``
(连云港跨境电商协会) covers customs clearance, IP and platform rules; the city and the
association publish a few articles; enterprise A asked one question, which the association
answered.

Idempotent: keyed by article title and by A's question text. Call after the registry demo, which
creates the users ``city``, ``advisor`` and ``enterprise_a``.
"""

from __future__ import annotations

from accounts.models import User
from codes.models import Country
from compliance import services
from compliance.models import Article, Question, Topic

ARTICLES: list[tuple[str, str, str, tuple[str, ...], str, str]] = [
    # (author, topic, title, country customs codes, source, body: one paragraph a line)
    (
        "city",
        Topic.TAX,
        "跨境电商出口企业“无票免税”和核定征收要点",
        (),
        "财税〔2018〕103号；国家税务总局公告2019年第36号",
        "综合试验区内的跨境电商零售出口企业，未取得有效进货凭证的货物，符合条件的可试行增值税、消费税免税政策（无票免税）。\n"
        "适用条件：企业在综试区注册并在注册地跨境电子商务线上综合服务平台登记出口日期、货物名称、计量单位、数量、单价、金额；"
        "出口货物通过综试区所在地海关办理电子商务出口申报手续；出口货物不属于财政部和税务总局根据国务院决定明确取消出口退（免）税的货物。\n"
        "符合条件的企业可采用应税所得率方式核定征收企业所得税，应税所得率统一按照4%确定。\n"
        "提示：平台上的“税务助手”会根据本平台记录的出口数据列出缺少的项目，核定征收的测算仅供参考，以主管税务机关认定为准。",
    ),
    (
        "city",
        Topic.FUNDS,
        "跨境电商出口收结汇与境外费用轧差结算",
        (),
        "汇发〔2020〕11号",
        "跨境电商企业可将出口货款与境外仓储、物流、税收等费用进行轧差结算，按净额办理收汇。\n"
        "企业应留存境外费用的合同、发票、付款凭证等单证，按银行要求提交轧差结算说明。\n"
        "个人和企业均应通过具备资质的支付机构或银行办理跨境收付款，避免通过个人账户收取经营性货款。",
    ),
    (
        "advisor",
        Topic.CLEARANCE,
        "美国小额包裹免税政策调整后的清关要点",
        ("502",),
        "美国海关与边境保护局（CBP）公告",
        "美国已调整对低值进口包裹的免税待遇，跨境电商卖家应关注包裹申报价值、原产地和商品归类。\n"
        "建议卖家在发货前核对商品的HTS编码，如实申报价值，避免拆单规避监管。\n"
        "通过海外仓备货的，按一般贸易进口清关，应提前确认进口商（IOR）和关税缴纳方式。",
    ),
    (
        "advisor",
        Topic.CLEARANCE,
        "欧盟进口增值税一站式申报（IOSS）实务",
        ("304", "303"),
        "欧盟增值税电子商务一揽子规则",
        "自2021年7月1日起，欧盟取消22欧元以下进口商品的增值税免税，价值不超过150欧元的包裹可通过IOSS申报缴纳进口增值税。\n"
        "卖家注册IOSS后，在销售时向消费者收取增值税，并在包裹申报中提供IOSS编号，可加快清关。\n"
        "英国脱欧后不适用IOSS，价值不超过135英镑的货物由卖家或平台在销售环节缴纳英国增值税。",
    ),
    (
        "advisor",
        Topic.IP,
        "亚马逊平台商标侵权投诉的应对",
        ("502",),
        "",
        "收到商标侵权投诉后，卖家应先核实被投诉商品是否使用了他人注册商标，保存采购凭证和授权文件。\n"
        "如认为投诉不成立，可通过平台申诉渠道提交证据，必要时委托律师与权利人沟通撤诉。\n"
        "建议出口企业在主要目标市场提前注册自有商标，降低被抢注和被投诉的风险。",
    ),
    (
        "advisor",
        Topic.PLATFORM,
        "主流跨境电商平台卖家资质审核常见问题",
        (),
        "",
        "主流平台在卖家入驻时会审核营业执照、法定代表人身份证明、收款账户和经营地址，资料应保持一致。\n"
        "平台对产品安全认证有明确要求，如儿童用品、电子产品需提供相应的检测报告。\n"
        "违反平台规则可能导致账户冻结和资金暂扣，企业应定期关注平台政策更新。",
    ),
]

QUESTION = (
    "我司计划通过海外仓向德国销售水晶饰品，是否需要注册欧盟IOSS？海外仓备货如何办理进口清关？"
)
ANSWER = (
    "海外仓备货属于一般贸易进口，不适用IOSS，应以进口商名义在德国办理进口清关并缴纳进口增值税。\n"
    "货物在德国境内销售时，需在德国办理增值税登记并按期申报。协会可提供清关代理机构名单，欢迎参加近期的通关实务培训。"
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def load_demo() -> int:
    """Create what is missing; returns the number of articles created."""
    city, advisor, enterprise_user = _user("city"), _user("advisor"), _user("enterprise_a")
    if city is None or advisor is None:
        return 0
    if not advisor.compliance_topics.exists():
        services.advisor_topics_set(
            actor=advisor, topics=[Topic.CLEARANCE, Topic.IP, Topic.PLATFORM]
        )
    created = 0
    authors = {"city": city, "advisor": advisor}
    for author, topic, title, countries, source, body in ARTICLES:
        if Article.objects.filter(title=title).exists():
            continue
        services.article_create(
            actor=authors[author],
            title=title,
            topic=topic,
            body=body,
            source=source,
            countries=Country.objects.filter(customs_code__in=countries),
            publish=True,
        )
        created += 1
    if enterprise_user is not None and not Question.objects.filter(text=QUESTION).exists():
        question = services.question_ask(
            actor=enterprise_user,
            topic=Topic.CLEARANCE,
            text=QUESTION,
            country=Country.objects.filter(customs_code="304").first(),
        )
        services.question_answer(actor=advisor, question=question, answer=ANSWER)
    return created
