"""Customs data exchange: ingest runs, the message store (declarations, receipts, other messages),
the customs-monitored CBEC trade ledger with its exact pre-aggregate, exchange rates and retail
import checks.

Money in the ledger is kept as integer fen (分) so that sums are exact on every database
(SQLite has no exact decimal type); ``Decimal`` views are exposed as properties.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.status import tones
from customs import reference

FEN = Decimal("0.01")


def fen_to_yuan(fen: int | None) -> Decimal:
    return (Decimal(fen or 0) / 100).quantize(FEN)


class Direction(models.TextChoices):
    EXPORT = "export", _("出口")
    IMPORT = "import", _("进口")


@tones(done="ok", failed="err")
class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RunSource(models.TextChoices):
    CLI = "cli", _("命令行")
    WEB = "web", _("网页上传")
    API = "api", _("接口上传")
    DEMO = "demo", _("演示数据")


class MessageOrigin(models.TextChoices):
    """Where a stored message came from (see docs/customs-ledger.md, "Trust").

    Only the customs data-exchange channel is believed about a release: a receipt reaches the
    ledger only through it. Uploads by anyone else are declarations of the uploader."""

    CHANNEL = "customs", _("海关数据通道")
    ENTERPRISE = "enterprise", _("企业上传")
    AGENT = "agent", _("代理申报企业上传")
    COUNTY = "county", _("县区上传")
    CITY = "city", _("市级上传（非通道）")


class IngestRun(models.Model):
    """One batch of message files and its report (files, messages, new, duplicate, rejected)."""

    status = models.CharField(
        _("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    source = models.CharField(_("来源"), max_length=8, choices=RunSource.choices)
    origin = models.CharField(
        _("数据来源"),
        max_length=10,
        choices=MessageOrigin.choices,
        default=MessageOrigin.CHANNEL,
        help_text=_("海关数据通道的回执才能放行清单；其他上传只记为企业自报。"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("上传企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customs_runs",
    )
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("县区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploads = models.JSONField(_("上传文件"), default=list, blank=True)
    files_total = models.PositiveIntegerField(_("文件数"), default=0)
    files_done = models.PositiveIntegerField(_("已处理文件"), default=0)
    files_rejected = models.PositiveIntegerField(_("被拒文件"), default=0)
    messages = models.PositiveIntegerField(_("报文数"), default=0)
    new = models.PositiveIntegerField(_("新增"), default=0)
    duplicates = models.PositiveIntegerField(_("重复"), default=0)
    rejected = models.PositiveIntegerField(_("被拒"), default=0)
    lines = models.PositiveIntegerField(_("新增商品行"), default=0)
    receipts_matched = models.PositiveIntegerField(_("匹配回执"), default=0)
    released = models.PositiveIntegerField(_("新放行清单"), default=0)
    retail_breaches = models.PositiveIntegerField(_("零售进口超限"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    current_file = models.CharField(_("当前文件"), max_length=300, blank=True)
    # Per enterprise (or unmapped customs code) touched by the run: declarations stored and
    # declarations released with their CNY amount (also in the run's audit entry).
    touched = models.JSONField(_("涉及企业"), default=list, blank=True)
    # The process running it: a run left "running" by a process that is gone (killed) is marked
    # failed when the next run or worker starts (``services.fail_abandoned_runs``).
    host = models.CharField(_("主机"), max_length=100, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("心跳时间"), null=True, blank=True)
    resumed_from = models.ForeignKey(
        "self",
        verbose_name=_("续传自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        indexes = [models.Index(fields=["enterprise", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def percent(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        if not self.files_total:
            return 0
        return min(100, int(100 * self.files_done / self.files_total))

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED}

    @property
    def is_channel(self) -> bool:
        return self.origin == MessageOrigin.CHANNEL


class Declaration(models.Model):
    """An inventory declaration (CEB603 export / CEB621 import 清单), stored once per
    (message type, e-commerce enterprise code, copNo): ``copNo`` (企业内部编号) is unique only
    within the enterprise that declares it, so another enterprise's inventory with the same
    ``copNo`` is a different declaration, never a duplicate (docs/customs-ledger.md, "Trust")."""

    message_type = models.CharField(_("报文类型"), max_length=16)
    direction = models.CharField(_("进出口"), max_length=8, choices=Direction.choices)
    cop_no = models.CharField(_("企业内部编号"), max_length=30)
    pre_no = models.CharField(_("预录入编号"), max_length=18, blank=True)
    invt_no = models.CharField(_("清单编号"), max_length=20, blank=True)
    order_no = models.CharField(_("订单编号"), max_length=60, blank=True)
    logistics_no = models.CharField(_("物流运单编号"), max_length=60, blank=True)
    ebc_code = models.CharField(_("电商企业代码"), max_length=18)
    ebc_name = models.CharField(_("电商企业名称"), max_length=100, blank=True)
    ebp_code = models.CharField(_("电商平台代码"), max_length=18, blank=True)
    agent_code = models.CharField(_("申报企业代码"), max_length=18, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customs_declarations",
        db_index=False,  # (enterprise, declared_on) below serves it
        db_constraint=False,  # see LedgerLine: kept by the ingestion code and Django's on_delete
    )
    county = models.ForeignKey(
        "codes.County",
        verbose_name=_("县区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # (county, declared_on) below serves it
        db_constraint=False,
    )
    trade_mode = models.CharField(_("监管方式"), max_length=4)
    customs_code = models.CharField(_("申报海关"), max_length=4, blank=True)
    country = models.CharField(_("国别（地区）"), max_length=3, blank=True)
    declared_on = models.DateField(_("进出口日期"))
    lines_count = models.PositiveIntegerField(_("商品行数"), default=0)
    total_cny_fen = models.BigIntegerField(_("金额（分）"), default=0)
    buyer_hash = models.CharField(_("订购人标识（密钥哈希）"), max_length=64, blank=True)
    status = models.CharField(_("回执状态"), max_length=10, blank=True)
    status_at = models.DateTimeField(_("状态时间"), null=True, blank=True)
    released = models.BooleanField(_("已放行"), default=False)
    released_at = models.DateTimeField(_("放行时间"), null=True, blank=True)
    run = models.ForeignKey(  # the run that stored it (runs are kept; no index needed)
        IngestRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source_file = models.CharField(_("来源文件"), max_length=300, blank=True)
    origin = models.CharField(
        _("数据来源"), max_length=10, choices=MessageOrigin.choices, default=MessageOrigin.CHANNEL
    )
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    class Meta:
        ordering = ["-declared_on", "-pk"]
        verbose_name = _("清单")
        verbose_name_plural = _("清单")
        constraints = [
            models.UniqueConstraint(
                fields=["message_type", "ebc_code", "cop_no"], name="customs_declaration_once"
            )
        ]
        # Few, plain indexes: every one is written for each of millions of declarations.
        indexes = [
            models.Index(fields=["enterprise", "declared_on"]),
            models.Index(fields=["county", "declared_on"]),
            models.Index(fields=["ebc_code"], name="customs_decl_ebc_code"),
        ]

    def __str__(self) -> str:
        return self.invt_no or self.cop_no

    @property
    def total_cny(self) -> Decimal:
        return fen_to_yuan(self.total_cny_fen)

    @property
    def status_label(self) -> str:
        return reference.status_label(self.status)

    @property
    def is_confirmed(self) -> bool:
        """Released by a receipt of the customs channel (海关确认): only such declarations count
        in the ledger; any other is the uploader's own declaration (企业自报，未确认)."""
        return self.released

    def month_lines(self) -> models.QuerySet[LedgerLine]:
        """This declaration's ledger lines, also filtered by their month (the declaration's):
        on PostgreSQL the query then reads and plans one monthly partition, not all of them."""
        month = self.declared_on.year * 100 + self.declared_on.month
        return self.ledger_lines.filter(month=month).order_by("line_no")


class Receipt(models.Model):
    """A receipt (CEB604 / CEB622 回执), stored once by ``ebcCode|copNo|returnStatus|returnTime``;
    matched to the declaration of its type with the same ``ebcCode`` and ``copNo`` (a receipt
    naming another enterprise never releases a declaration; one without ``ebcCode`` none).

    A receipt that arrives before its declaration is kept with ``declaration`` empty and matched
    when the declaration is ingested.
    """

    message_type = models.CharField(_("报文类型"), max_length=16)
    declaration_type = models.CharField(_("对应清单报文"), max_length=16)
    business_key = models.CharField(_("业务键"), max_length=80)
    ebc_code = models.CharField(_("电商企业代码"), max_length=18, blank=True)
    cop_no = models.CharField(_("企业内部编号"), max_length=30)
    pre_no = models.CharField(_("预录入编号"), max_length=18, blank=True)
    invt_no = models.CharField(_("清单编号"), max_length=20, blank=True)
    return_status = models.CharField(_("回执状态"), max_length=10)
    return_time = models.DateTimeField(_("回执时间"))
    return_info = models.CharField(_("回执信息"), max_length=1000, blank=True)
    declaration = models.ForeignKey(
        Declaration,
        verbose_name=_("清单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="receipts",
        db_constraint=False,
    )
    run = models.ForeignKey(  # the run that stored it (runs are kept; no index needed)
        IngestRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    origin = models.CharField(
        _("数据来源"), max_length=10, choices=MessageOrigin.choices, default=MessageOrigin.CHANNEL
    )
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    class Meta:
        ordering = ["return_time", "pk"]
        verbose_name = _("回执")
        verbose_name_plural = _("回执")
        constraints = [
            models.UniqueConstraint(
                fields=["message_type", "business_key"], name="customs_receipt_once"
            )
        ]
        indexes = [models.Index(fields=["cop_no"], name="customs_receipt_cop_no")]

    def __str__(self) -> str:
        return f"{self.cop_no} {self.return_status}"

    @property
    def status_label(self) -> str:
        return reference.status_label(self.return_status)


class StoredMessage(models.Model):
    """Any other CEB business node (orders, waybills, payments … and their receipts), stored once
    by message type + business key (orderNo / logisticsNo / copNo / invtNo …)."""

    message_type = models.CharField(_("报文类型"), max_length=16)
    business_key = models.CharField(_("业务键"), max_length=120)
    ebc_code = models.CharField(_("电商企业代码"), max_length=18, blank=True, db_index=True)
    summary = models.JSONField(_("摘要"), default=dict)
    run = models.ForeignKey(
        IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.CharField(
        _("数据来源"), max_length=10, choices=MessageOrigin.choices, default=MessageOrigin.CHANNEL
    )
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("其他报文")
        verbose_name_plural = _("其他报文")
        constraints = [
            models.UniqueConstraint(
                fields=["message_type", "business_key"], name="customs_message_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.business_key}"


class LedgerLine(models.Model):
    """One inventory line of the customs-monitored CBEC trade ledger (跨境电商监管台账).

    Written when the declaration is ingested; counts in the ledger once its declaration is
    ``released`` (the line holds no copy of that state or of the inventory number: a release
    writes the declaration and the aggregate, never the lines). Keeps the six fields
    无票免税 / 核定征收 need: date, goods name, unit, quantity, unit price, amount.
    """

    # The ledger tables are written in bulk by the ingestion engine only, which takes every id
    # from the same transaction (declarations it inserted or read, the run's enterprise index).
    # Their foreign keys are not database constraints: checking three of them for each of
    # millions of lines cost more than inserting the lines (PostgreSQL: 1.8 s per 100,000
    # lines). Deletes still cascade / set null through Django's on_delete, and a test checks
    # that no line or receipt points nowhere after ingestion.
    declaration = models.ForeignKey(  # the unique (declaration, line_no) index serves it
        Declaration,
        on_delete=models.CASCADE,
        related_name="ledger_lines",
        db_index=False,
        db_constraint=False,
    )
    line_no = models.PositiveIntegerField(_("序号"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customs_ledger_lines",
        # No index: an enterprise's lines are found through its declarations' (enterprise,
        # declared_on) index and the (declaration, line_no) one; a third index on the lines
        # cost more to maintain than the lines' other two (PostgreSQL: 3.6 s of 10.6 s to COPY
        # 1,000,000 lines).
        db_index=False,
        db_constraint=False,
    )
    county = models.ForeignKey(  # counties are a fixed code table: no index on the hot path
        "codes.County",
        verbose_name=_("县区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    ebc_code = models.CharField(_("电商企业代码"), max_length=18)
    mode = models.CharField(_("监管方式"), max_length=4)
    direction = models.CharField(_("进出口"), max_length=8, choices=Direction.choices)
    date = models.DateField(_("日期"))
    month = models.PositiveIntegerField(_("月份（YYYYMM）"))
    country = models.CharField(_("国别（地区）"), max_length=3)
    hs_code = models.CharField(_("商品编码"), max_length=10)
    goods_name = models.CharField(_("商品名称"), max_length=250)
    unit = models.CharField(_("计量单位"), max_length=3)
    quantity = models.DecimalField(_("数量"), max_digits=19, decimal_places=5)
    unit_price = models.DecimalField(_("单价"), max_digits=19, decimal_places=5)
    currency = models.CharField(_("币制"), max_length=3)
    amount = models.DecimalField(_("金额（原币）"), max_digits=19, decimal_places=5)
    rate = models.DecimalField(_("折算汇率"), max_digits=14, decimal_places=6)
    amount_cny_fen = models.BigIntegerField(_("人民币金额（分）"))

    class Meta:
        ordering = ["date", "declaration_id", "line_no"]
        verbose_name = _("台账明细")
        verbose_name_plural = _("台账明细")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "line_no"], name="customs_line_once")
        ]
        # Few indexes: each is written for every one of millions of lines. Lines of one
        # enterprise or customs code are found through their declarations.

    def __str__(self) -> str:
        return f"{self.declaration_id}#{self.line_no}"

    @property
    def amount_cny(self) -> Decimal:
        return fen_to_yuan(self.amount_cny_fen)


class LedgerAggregate(models.Model):
    """Released ledger lines summed by month × enterprise code × mode × direction × country.

    Equals a direct sum over released lines whenever no ingestion is running: a run adds its
    releases when it ends and every ``DDT_CUSTOMS_FOLD_EVERY`` releases (``PendingRelease``, see
    ``customs.ledger``); enterprise and county follow the code's mapping.
    """

    month = models.PositiveIntegerField(_("月份（YYYYMM）"))
    year = models.PositiveSmallIntegerField(_("年度"))
    ebc_code = models.CharField(_("电商企业代码"), max_length=18)
    # Written by the ingestion engine's releases (hundreds of thousands of upserts in a large
    # batch), like the ledger lines: no database constraint on these foreign keys, and no index
    # of their own ((enterprise, year) below serves the enterprise; counties are a fixed code
    # table). Deletes still set null through Django's on_delete.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    county = models.ForeignKey(
        "codes.County",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    mode = models.CharField(_("监管方式"), max_length=4)
    direction = models.CharField(_("进出口"), max_length=8, choices=Direction.choices)
    country = models.CharField(_("国别（地区）"), max_length=3)
    lines = models.BigIntegerField(_("商品行数"), default=0)
    amount_cny_fen = models.BigIntegerField(_("人民币金额（分）"), default=0)

    class Meta:
        verbose_name = _("台账汇总")
        verbose_name_plural = _("台账汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "ebc_code", "mode", "direction", "country"],
                name="customs_aggregate_key",
            )
        ]
        indexes = [
            models.Index(fields=["year", "county"]),
            models.Index(fields=["enterprise", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.ebc_code} {self.mode} {self.direction} {self.country}"


class PendingRelease(models.Model):
    """A released declaration whose lines are not yet in the aggregate (待汇总放行).

    Ingestion marks each release here, in the transaction that releases the declaration, and
    adds the marked declarations' lines to ``LedgerAggregate`` in one statement when the run
    ends (and every ``DDT_CUSTOMS_FOLD_EVERY`` releases), deleting the marks in the same
    transaction (``ledger.fold_released``): a key released in many chunks of a batch is then
    written once, not once per chunk. Empty whenever no ingestion is running."""

    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # read whole and emptied by the fold, never looked up
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("待汇总放行")
        verbose_name_plural = _("待汇总放行")

    def __str__(self) -> str:
        return str(self.declaration_id)


class CustomsCodeMapping(models.Model):
    """An officer's decision that a customs code in the messages belongs to an enterprise."""

    code = models.CharField(_("海关代码"), max_length=18, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.CASCADE,
        related_name="customs_code_mappings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("海关代码对应")
        verbose_name_plural = _("海关代码对应")

    def __str__(self) -> str:
        return f"{self.code} → {self.enterprise_id}"


class ExchangeRate(models.Model):
    """Monthly conversion rate: CNY for one unit of a currency (customs currency code)."""

    currency = models.CharField(_("币制代码"), max_length=3)
    month = models.PositiveIntegerField(_("月份（YYYYMM）"))
    rate = models.DecimalField(_("汇率（人民币/单位外币）"), max_digits=14, decimal_places=6)
    is_reference = models.BooleanField(
        _("参考值"), default=True, help_text=_("随系统发布的参考值，须由管理员按海关公布的汇率更新")
    )
    source = models.CharField(_("来源"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-month", "currency"]
        verbose_name = _("汇率")
        verbose_name_plural = _("汇率")
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="customs_rate_once"),
            models.CheckConstraint(name="customs_rate_positive", condition=models.Q(rate__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.currency} {self.rate}"


class RetailCheckKind(models.TextChoices):
    SINGLE = "single", _("单次交易超限")
    ANNUAL = "annual", _("年度交易超限")


class RetailImportCheck(models.Model):
    """A retail import (CEB621) above the single-transaction or the annual per-buyer limit."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="retail_checks"
    )
    kind = models.CharField(_("类型"), max_length=8, choices=RetailCheckKind.choices)
    buyer_hash = models.CharField(_("订购人标识（密钥哈希）"), max_length=64, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_fen = models.BigIntegerField(_("本次交易金额（分）"))
    year_total_fen = models.BigIntegerField(_("年度累计（分）"))
    limit_fen = models.BigIntegerField(_("限值（分）"))
    document = models.CharField(_("依据"), max_length=100)
    run = models.ForeignKey(
        IngestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("零售进口超限")
        verbose_name_plural = _("零售进口超限")
        constraints = [
            models.UniqueConstraint(fields=["declaration", "kind"], name="customs_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.declaration_id}"

    @property
    def amount(self) -> Decimal:
        return fen_to_yuan(self.amount_fen)

    @property
    def year_total(self) -> Decimal:
        return fen_to_yuan(self.year_total_fen)

    @property
    def limit(self) -> Decimal:
        return fen_to_yuan(self.limit_fen)


class BuyerYearTotal(models.Model):
    """Running total of one buyer's retail imports in a year (buyer known only by keyed hash)."""

    buyer_hash = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    total_fen = models.BigIntegerField(default=0)
    transactions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("订购人年度累计")
        verbose_name_plural = _("订购人年度累计")
        constraints = [
            models.UniqueConstraint(fields=["buyer_hash", "year"], name="customs_buyer_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.buyer_hash[:8]}… {self.year}"
