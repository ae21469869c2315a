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

from ckanext.utt1service.demo import restricted

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

DATASETS: list[dict[str, Any]] = [
    {
        "name": "students-by-grade-2568",
        "title": "จำนวนนักเรียนจำแนกตามระดับชั้น ปีการศึกษา 2568",
        "notes": SAMPLE_NOTE
        + "จำนวนนักเรียนในสังกัดจำแนกตามระดับชั้นและโรงเรียน ข้อมูล ณ 10 มิถุนายน 2568 (DMC)\n\n"
        "Number of students by grade and school, academic year 2568 (2025), "
        "from the DMC census of 10 June.",
        "tags": ["DMC", "students"],
        "resources": [
            (
                "นักเรียนจำแนกตามระดับชั้น.csv",
                "CSV",
                "โรงเรียน,อนุบาล 2,อนุบาล 3,ป.1,ป.2,ป.3,ป.4,ป.5,ป.6\n"
                "โรงเรียนอนุบาลอุทัยธานี,45,52,88,90,85,92,87,91\n"
                "โรงเรียนบ้านหนองแก,12,10,15,14,18,16,13,17\n"
                "โรงเรียนวัดทุ่งแก้ว,8,9,11,12,10,13,12,9\n",
            ),
        ],
    },
    {
        "name": "teachers-by-school-2568",
        "title": "จำนวนครูและบุคลากรทางการศึกษาจำแนกตามโรงเรียน ปีการศึกษา 2568",
        "notes": SAMPLE_NOTE
        + "จำนวนข้าราชการครู พนักงานราชการ และครูอัตราจ้าง จำแนกตามโรงเรียน\n\n"
        "Teachers and education personnel by school, academic year 2568.",
        "tags": ["teachers"],
        "resources": [
            (
                "ครูจำแนกตามโรงเรียน.csv",
                "CSV",
                "โรงเรียน,ข้าราชการครู,พนักงานราชการ,ครูอัตราจ้าง\n"
                "โรงเรียนอนุบาลอุทัยธานี,42,3,5\n"
                "โรงเรียนบ้านหนองแก,8,1,2\n"
                "โรงเรียนวัดทุ่งแก้ว,6,0,1\n",
            ),
        ],
    },
    {
        "name": "onet-p6-2567",
        "title": "ผลการทดสอบ O-NET ชั้นประถมศึกษาปีที่ 6 ปีการศึกษา 2567",
        "notes": SAMPLE_NOTE
        + "คะแนนเฉลี่ย O-NET ป.6 รายวิชา ระดับเขตพื้นที่และระดับประเทศ\n\n"
        "O-NET grade 6 mean scores by subject, area and national level.",
        "tags": ["O-NET", "test results"],
        "resources": [
            (
                "onet-p6-2567.csv",
                "CSV",
                "วิชา,ค่าเฉลี่ยเขตพื้นที่,ค่าเฉลี่ยประเทศ\n"
                "ภาษาไทย,52.10,50.40\nคณิตศาสตร์,33.80,32.90\n"
                "วิทยาศาสตร์,38.20,37.50\nภาษาอังกฤษ,36.40,38.10\n",
            ),
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
        data.update(spec.get("extra", {}))
        pkg = tk.get_action("package_create")(_site_context(), data)
        for filename, fmt, content in spec["resources"]:
            upload = FileStorage(
                stream=io.BytesIO(content.encode("utf-8")),
                filename=filename,
                content_type="text/csv",
            )
            tk.get_action("resource_create")(
                _site_context(),
                {
                    "package_id": pkg["id"],
                    "name": filename,
                    "format": fmt,
                    "url": filename,
                    "upload": upload,
                },
            )
        echo(f"dataset created: {spec['name']}")


def seed(password_file: str, echo: Callable[[str], None] = print) -> None:
    ensure_sysadmin(password_file, echo)
    ensure_organization(echo)
    ensure_datasets(echo)
    restricted.seed(password_file, echo)
