# -*- coding: utf-8 -*-
"""Demo content for `make dev`: the office's organization, a sysadmin and a few
sample datasets (clearly marked as sample data, ข้อมูลตัวอย่าง)."""
from __future__ import annotations

import io
import os
import secrets
from typing import Any, Callable

from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service.demo import activity, restricted

ORG_NAME = "utt1-policy-planning"
ADMIN_NAME = "admin"

ORGANIZATION = {
    "name": ORG_NAME,
    "title": "กลุ่มนโยบายและแผน สพป.อุทัยธานี เขต 1",
    "description": (
        "กลุ่มนโยบายและแผน กลุ่มงานข้อมูลสารสนเทศ "
        "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุทัยธานี เขต 1\n\n"
        "Policy and Planning Group, Information Unit, "
        "Uthai Thani Primary Educational Service Area Office 1."
    ),
}

SAMPLE_NOTE = "**ข้อมูลตัวอย่าง (sample data) — ไม่ใช่ข้อมูลจริง / not real figures.**\n\n"
SAMPLE_TAG = "ข้อมูลตัวอย่าง"

CONTACT = {
    "name": "นางสาวสุนันทา ศรีอุทัย (ตัวอย่าง)",
    "position": "นักวิเคราะห์นโยบายและแผนชำนาญการ",
    "email": "info@utt1.example",
    "phone": "056 000 000 ต่อ 0 (ตัวอย่าง)",
}
STEWARD = "ผู้อำนวยการกลุ่มนโยบายและแผน (ตัวอย่าง)"

# Fields every sample dataset shares (the dataset schema, schemas/dataset.yaml).
COMMON = {
    "contacts": [CONTACT],
    "data_steward": STEWARD,
    "data_category": "public",
    "data_language": ["th"],
    "official_statistics": "no",
    "high_value_dataset": "no",
}

DATASETS: list[dict[str, Any]] = [
    {
        "name": "students-by-grade-2568",
        "title": "จำนวนนักเรียนจำแนกตามระดับชั้น ปีการศึกษา 2568",
        "notes": SAMPLE_NOTE
        + "จำนวนนักเรียนในสังกัดจำแนกตามระดับชั้นและโรงเรียน ข้อมูล ณ 10 มิถุนายน 2568 "
        "จากระบบ DMC ใช้วางแผนจัดสรรครูและงบประมาณรายหัว\n\n"
        "Number of students by grade and school, academic year 2568 (2025), "
        "from the DMC census of 10 June.",
        "tags": ["นักเรียน", "ระดับชั้น", "DMC", SAMPLE_TAG],
        "extra": {
            "topic_category": "students",
            "source_program": "dmc",
            "collection_round": "10-jun",
            "academic_year": 2568,
            "education_level": ["kindergarten", "primary", "lower-secondary"],
            "coverage": ["service-area"],
            "unit_of_measure": "คน",
            "update_frequency": "per-term",
            "first_year_of_data": 2564,
            "last_year_of_data": 2568,
            "official_statistics": "yes",
            "high_value_dataset": "yes",
        },
        "resources": [
            {
                "name": "นักเรียนจำแนกตามระดับชั้น ภาคเรียนที่ 1/2568.csv",
                "format": "CSV",
                "period_start": "2025-06-10",
                "period_end": "2025-06-10",
                "content": "โรงเรียน,อำเภอ,อนุบาล 2,อนุบาล 3,ป.1,ป.2,ป.3,ป.4,ป.5,ป.6,ม.1,ม.2,ม.3\n"
                "โรงเรียนอนุบาลอุทัยธานี (ตัวอย่าง),เมืองอุทัยธานี,45,52,88,90,85,92,87,91,0,0,0\n"
                "โรงเรียนบ้านหนองแก (ตัวอย่าง),หนองขาหย่าง,12,10,15,14,18,16,13,17,20,18,19\n"
                "โรงเรียนวัดทุ่งแก้ว (ตัวอย่าง),ทัพทัน,8,9,11,12,10,13,12,9,0,0,0\n"
                "โรงเรียนบ้านเขาราวเทียน (ตัวอย่าง),หนองฉาง,10,11,14,13,15,12,16,14,0,0,0\n",
            },
        ],
    },
    {
        "name": "teachers-by-school-2568",
        "title": "จำนวนครูและบุคลากรทางการศึกษาจำแนกตามโรงเรียน ปีการศึกษา 2568",
        "notes": SAMPLE_NOTE
        + "จำนวนข้าราชการครู พนักงานราชการ และครูอัตราจ้าง จำแนกตามโรงเรียน "
        "ข้อมูล ณ 10 มิถุนายน 2568\n\n"
        "Teachers and education personnel by school, academic year 2568.",
        "tags": ["ครู", "บุคลากรทางการศึกษา", SAMPLE_TAG],
        "extra": {
            "topic_category": "teachers",
            "source_program": "emis",
            "collection_round": "10-jun",
            "academic_year": 2568,
            "education_level": ["kindergarten", "primary"],
            "coverage": ["service-area"],
            "unit_of_measure": "คน",
            "update_frequency": "yearly",
        },
        "resources": [
            {
                "name": "ครูจำแนกตามโรงเรียน 2568.csv",
                "format": "CSV",
                "content": "โรงเรียน,ข้าราชการครู,พนักงานราชการ,ครูอัตราจ้าง\n"
                "โรงเรียนอนุบาลอุทัยธานี (ตัวอย่าง),42,3,5\n"
                "โรงเรียนบ้านหนองแก (ตัวอย่าง),8,1,2\n"
                "โรงเรียนวัดทุ่งแก้ว (ตัวอย่าง),6,0,1\n",
            },
        ],
    },
    {
        "name": "onet-p6-2567",
        "title": "ผลการทดสอบ O-NET ชั้นประถมศึกษาปีที่ 6 ปีการศึกษา 2567",
        "notes": SAMPLE_NOTE
        + "คะแนนเฉลี่ยผลการทดสอบทางการศึกษาระดับชาติขั้นพื้นฐาน (O-NET) ชั้น ป.6 "
        "รายวิชา เปรียบเทียบระดับเขตพื้นที่กับระดับประเทศ\n\n"
        "O-NET grade 6 mean scores by subject, service area and national level.",
        "tags": ["O-NET", "ผลสัมฤทธิ์ทางการเรียน", "ป.6", SAMPLE_TAG],
        "extra": {
            "topic_category": "achievement",
            "source_program": "national-tests",
            "collection_round": "year-end",
            "academic_year": 2567,
            "education_level": ["primary"],
            "coverage": ["service-area"],
            "unit_of_measure": "คะแนน (เต็ม 100)",
            "update_frequency": "yearly",
            "data_language": ["th", "en"],
        },
        "resources": [
            {
                "name": "คะแนนเฉลี่ย O-NET ป.6 รายวิชา 2567.csv",
                "format": "CSV",
                "content": "วิชา,ค่าเฉลี่ยเขตพื้นที่,ค่าเฉลี่ยประเทศ\n"
                "ภาษาไทย,52.10,50.40\nคณิตศาสตร์,33.80,32.90\n"
                "วิทยาศาสตร์,38.20,37.50\nภาษาอังกฤษ,36.40,38.10\n",
            },
        ],
    },
    {
        "name": "budget-per-head-2568",
        "title": "งบประมาณเงินอุดหนุนรายหัวนักเรียน ปีงบประมาณ 2568",
        "notes": SAMPLE_NOTE
        + "เงินอุดหนุนค่าใช้จ่ายในการจัดการศึกษาตั้งแต่ระดับอนุบาลจนจบการศึกษาขั้นพื้นฐาน "
        "ที่จัดสรรให้โรงเรียนในสังกัด แยกตามภาคเรียน\n\n"
        "Per-student subsidies allocated to schools, fiscal year 2568 (Oct 2024 – Sep 2025).",
        "tags": ["งบประมาณ", "เงินอุดหนุน", SAMPLE_TAG],
        "extra": {
            "topic_category": "budget",
            "source_program": "school-reports",
            "collection_round": "fiscal-year-end",
            "fiscal_year": 2568,
            "education_level": ["kindergarten", "primary", "lower-secondary"],
            "coverage": ["service-area"],
            "unit_of_measure": "บาท",
            "update_frequency": "yearly",
        },
        "resources": [
            {
                "name": "เงินอุดหนุนรายหัว ปีงบประมาณ 2568.csv",
                "format": "CSV",
                "period_start": "2024-10-01",
                "period_end": "2025-09-30",
                "content": "โรงเรียน,ภาคเรียนที่ 2/2567 (บาท),ภาคเรียนที่ 1/2568 (บาท)\n"
                "โรงเรียนอนุบาลอุทัยธานี (ตัวอย่าง),512000,498500\n"
                "โรงเรียนบ้านหนองแก (ตัวอย่าง),96400,94100\n",
            },
        ],
    },
    {
        "name": "school-buildings-2568",
        "title": "ข้อมูลอาคารเรียนและสิ่งก่อสร้างของโรงเรียน อำเภอทัพทันและหนองฉาง",
        "notes": SAMPLE_NOTE
        + "อาคารเรียน อาคารประกอบ ส้วม และสภาพการใช้งาน จากระบบ B-OBEC "
        "ใช้จัดลำดับความจำเป็นในการซ่อมแซม\n\n"
        "School buildings and their condition (B-OBEC), two districts.",
        "tags": ["อาคารเรียน", "B-OBEC", SAMPLE_TAG],
        "extra": {
            "topic_category": "buildings",
            "source_program": "b-obec",
            "academic_year": 2568,
            "education_level": ["primary"],
            "coverage": ["thap-than", "nong-chang"],
            "unit_of_measure": "หลัง",
            "update_frequency": "yearly",
        },
        "resources": [
            {
                "name": "อาคารเรียน ทัพทัน-หนองฉาง.csv",
                "format": "CSV",
                "content": "โรงเรียน,อำเภอ,แบบอาคาร,ปีที่สร้าง (พ.ศ.),สภาพ\n"
                "โรงเรียนวัดทุ่งแก้ว (ตัวอย่าง),ทัพทัน,สปช.105/29,2530,ชำรุดบางส่วน\n"
                "โรงเรียนบ้านเขาราวเทียน (ตัวอย่าง),หนองฉาง,ป.1ฉ,2545,ใช้การได้ดี\n",
            },
        ],
    },
    {
        "name": "special-needs-students-2568",
        "title": "นักเรียนที่มีความต้องการพิเศษเรียนร่วม รายโรงเรียน ปีการศึกษา 2568",
        "notes": SAMPLE_NOTE
        + "ภาพรวมระดับเขตพื้นที่เผยแพร่ได้ทันที ส่วนไฟล์รายโรงเรียนเป็นข้อมูลส่วนบุคคล "
        "ต้องยื่นคำขอใช้ข้อมูลและได้รับอนุมัติก่อน\n\n"
        "Students with special needs in inclusive classes. The summary is public; "
        "the per-school file is personal data and needs an approved request.",
        "tags": ["นักเรียน", "การศึกษาพิเศษ", SAMPLE_TAG],
        "extra": {
            "topic_category": "students",
            "source_program": "dmc",
            "collection_round": "10-nov",
            "academic_year": 2568,
            "education_level": ["primary"],
            "coverage": ["service-area"],
            "unit_of_measure": "คน",
            "update_frequency": "per-term",
            "data_category": "personal",
            "accessible_condition": "ไฟล์รายโรงเรียนต้องยื่นคำขอใช้ข้อมูล และได้รับอนุญาตจาก"
            "ผู้อำนวยการกลุ่มนโยบายและแผนก่อน (พ.ร.บ.คุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562)",
        },
        "resources": [
            {
                "name": "สรุประดับเขตพื้นที่.csv",
                "format": "CSV",
                "content": "ประเภทความพิการ,จำนวน (คน)\nบกพร่องทางการเรียนรู้,148\n"
                "บกพร่องทางสติปัญญา,36\nออทิสติก,12\n",
            },
            {
                "name": "รายโรงเรียน (จำกัดสิทธิ์).csv",
                "format": "CSV",
                "access_level": "restricted",
                "content": "โรงเรียน,ประเภทความพิการ,จำนวน (คน)\n"
                "โรงเรียนอนุบาลอุทัยธานี (ตัวอย่าง),บกพร่องทางการเรียนรู้,21\n",
            },
        ],
    },
]


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def ensure_sysadmin(password_file: str, echo: Callable[[str], None]) -> None:
    """Create the sysadmin "admin" once; its password is kept in password_file."""
    if model.User.get(ADMIN_NAME):
        if os.path.exists(password_file):
            echo(f"sysadmin: {ADMIN_NAME} (password in {password_file})")
        else:
            echo(f"sysadmin: {ADMIN_NAME} (existing account)")
        return
    password = secrets.token_urlsafe(12)
    tk.get_action("user_create")(
        _site_context(),
        {
            "name": ADMIN_NAME,
            "email": "admin@utt1.localhost",
            "password": password,
            "fullname": "ผู้ดูแลระบบ (Sysadmin)",
        },
    )
    user = model.User.get(ADMIN_NAME)
    user.sysadmin = True
    model.Session.commit()
    os.makedirs(os.path.dirname(password_file) or ".", exist_ok=True)
    with open(password_file, "w") as f:
        f.write(password + "\n")
    os.chmod(password_file, 0o600)
    echo(f"sysadmin created: {ADMIN_NAME} / {password} (also in {password_file})")


def ensure_organization(echo: Callable[[str], None]) -> None:
    try:
        tk.get_action("organization_show")(_site_context(), {"id": ORG_NAME})
        echo(f"organization: {ORG_NAME} (exists)")
    except tk.ObjectNotFound:
        tk.get_action("organization_create")(
            _site_context(), dict(ORGANIZATION, users=[{"name": ADMIN_NAME, "capacity": "admin"}])
        )
        echo(f"organization created: {ORG_NAME}")


def ensure_datasets(echo: Callable[[str], None]) -> None:
    for spec in DATASETS:
        try:
            tk.get_action("package_show")(_site_context(), {"id": spec["name"]})
            echo(f"dataset: {spec['name']} (exists)")
            continue
        except tk.ObjectNotFound:
            pass
        data = {
            "name": spec["name"],
            "title": spec["title"],
            "notes": spec["notes"],
            "owner_org": ORG_NAME,
            "license_id": "cc-by",
            "tags": [{"name": t} for t in spec["tags"]],
        }
        data.update(COMMON)
        data.update(spec.get("extra", {}))
        pkg = tk.get_action("package_create")(_site_context(), data)
        for number, res in enumerate(spec["resources"], 1):
            res = dict(res)
            content = res.pop("content")
            # CKAN keeps only ASCII in uploaded file names: the Thai name is
            # the resource's name, the file gets the dataset's
            filename = f"{spec['name']}-{number}.csv"
            upload = FileStorage(
                stream=io.BytesIO(content.encode("utf-8")),
                filename=filename,
                content_type="text/csv",
            )
            tk.get_action("resource_create")(
                _site_context(),
                dict(res, package_id=pkg["id"], url=filename, upload=upload),
            )
        echo(f"dataset created: {spec['name']}")


def seed(password_file: str, echo: Callable[[str], None] = print) -> None:
    ensure_sysadmin(password_file, echo)
    ensure_organization(echo)
    ensure_datasets(echo)
    restricted.seed(password_file, echo)
    activity.seed(echo)
    activity.seed_requests(restricted.USERS[0][0], restricted.USERS[1][0], echo)
