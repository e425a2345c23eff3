"""The demo pilot's fixed data: regions, cities, organisations, OIP activations, the names workers are
drawn from, the demo accounts' password and the loader's actor."""

from __future__ import annotations

import datetime as dt

from socsec.audit.services import Actor
from socsec.registry.models import Organisation
from socsec.rules.coverage import Sector

DEMO_PASSWORD = "socsec-demo-2026"  # printed by `socsec demo`; demo accounts only
ACTOR = Actor.system("demo-loader")

REGIONS = [
    ("110000", "Beijing", "北京市", None),
    ("110100", "Beijing city districts", "北京市市辖区", "110000"),
    ("440000", "Guangdong", "广东省", None),
    ("440100", "Guangzhou", "广州市", "440000"),
    ("440300", "Shenzhen", "深圳市", "440000"),
    ("140000", "Shanxi", "山西省", None),
    ("140100", "Taiyuan", "太原市", "140000"),
    ("140200", "Datong", "大同市", "140000"),
]
CITIES = ["110100", "440100", "440300", "140100", "140200"]
CITY_WEIGHTS = [30, 22, 25, 15, 8]

# code, English name, Chinese name, kind, sector, registered region (None: no local registration)
ORGANISATIONS = [
    (
        "swiftride",
        "SwiftRide Mobility",
        "迅行出行",
        Organisation.Kind.PLATFORM,
        Sector.RIDE_HAILING,
        "110100",
    ),
    (
        "feastgo",
        "FeastGo Food Delivery",
        "饭到外卖",
        Organisation.Kind.PLATFORM,
        Sector.FOOD_DELIVERY,
        "440300",
    ),
    (
        "dashdrop",
        "DashDrop Instant Delivery",
        "闪送达",
        Organisation.Kind.PLATFORM,
        Sector.INSTANT_DELIVERY,
        None,
    ),
    (
        "cityhaul",
        "CityHaul Freight",
        "城运货的",
        Organisation.Kind.PLATFORM,
        Sector.INTRA_CITY_FREIGHT,
        "440100",
    ),
    (
        "staffbridge",
        "StaffBridge Labour Services",
        "桥才人力资源",
        Organisation.Kind.INTERMEDIARY,
        Sector.LOGISTICS,
        "140100",
    ),
    (
        "huaxin-mfg",
        "Huaxin Precision Manufacturing",
        "华信精密制造",
        Organisation.Kind.EMPLOYER,
        Sector.MANUFACTURING,
        "440100",
    ),
]
PLATFORMS = ["swiftride", "feastgo", "dashdrop", "cityhaul"]

# (province, platform or None for all, start, local reference)
ACTIVATIONS = [
    ("110000", None, dt.date(2022, 7, 1), "Beijing OIP implementation notice (demo)"),
    ("440000", "feastgo", dt.date(2022, 7, 1), "Guangdong OIP implementation notice (demo)"),
    ("440000", "dashdrop", dt.date(2022, 7, 1), "Guangdong OIP implementation notice (demo)"),
    ("440000", "swiftride", dt.date(2023, 1, 1), "Guangdong OIP second wave (demo)"),
    ("440000", "cityhaul", dt.date(2023, 1, 1), "Guangdong OIP second wave (demo)"),
    ("140000", None, dt.date(2026, 1, 1), "Shanxi OIP roll-out (demo)"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建国志红玉梅文斌鹏飞宇浩然子轩欣怡晨阳思雨俊杰佳琪"
