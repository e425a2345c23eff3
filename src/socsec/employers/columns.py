"""The columns of a payroll file (CSV, .xlsx, Parquet or JSON lines), headers in English or Chinese."""

from __future__ import annotations

from socsec.batch.sheets import Column, Columns
from socsec.batch.uploads import UploadKind

PAYROLL_COLUMNS = Columns(
    [
        Column("resident_id", "证件号码", ("身份证号", "身份证号码", "公民身份号码"), "11010519491231002X"),
        Column("person_id", "人员编号", ("个人编号",), ""),
        Column("wage_cents", "工资（分）", ("本月工资（分）", "应发工资（分）"), "780000"),
        Column("base_wage_cents", "上年月平均工资（分）", ("上年度月平均工资（分）", "缴费工资（分）"), "750000"),
        Column("industry_class", "行业风险类别", ("风险类别", "工伤风险类别"), "2"),
        Column("region", "地区代码", ("参保地", "行政区划代码"), "440300"),
    ]
)
PAYROLL = UploadKind(PAYROLL_COLUMNS, frozenset({"wage_cents"}), "wage_cents")
