# -*- coding: utf-8 -*-
"""Demo content of restricted resources: a sample dataset whose file of
individual students is restricted (made-up names), and a staff member and a
director to try the access-request workflow with."""
from __future__ import annotations

import io
import os
import secrets
from typing import Callable

from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.utt1service import demo

DATASET = "students-individual-2568"

# Made-up people: sample data, not real.
RESTRICTED_CSV = (
    "เลขประจำตัว,ชื่อ,นามสกุล,โรงเรียน,ชั้น,ความต้องการพิเศษ\n"
    "00001,เด็กชายสมมุติ,ตัวอย่าง,โรงเรียนบ้านหนองแก,ป.3,-\n"
    "00002,เด็กหญิงสมมติ,ทดลอง,โรงเรียนบ้านหนองแก,ป.4,บกพร่องทางการเรียนรู้\n"
    "00003,เด็กชายทดสอบ,ข้อมูลปลอม,โรงเรียนวัดทุ่งแก้ว,ป.1,-\n"
)
SUMMARY_CSV = (
    "โรงเรียน,จำนวนนักเรียน,นักเรียนที่มีความต้องการพิเศษ\n"
    "โรงเรียนบ้านหนองแก,2,1\nโรงเรียนวัดทุ่งแก้ว,1,0\n"
)

USERS = [
    ("staff", "เจ้าหน้าที่ งานข้อมูลสารสนเทศ (ตัวอย่าง)", "editor"),
    ("director", "ผู้อำนวยการกลุ่มนโยบายและแผน (ตัวอย่าง)", "admin"),
]


def _upload(package_id: str, filename: str, content: str, **extra: str) -> None:
    tk.get_action("resource_create")(
        demo._site_context(),
        dict(
            package_id=package_id,
            url=filename,
            format="CSV",
            upload=FileStorage(io.BytesIO(content.encode("utf-8")), filename, content_type="text/csv"),
            **extra,
        ),
    )


def ensure_users(password_file: str, echo: Callable[[str], None]) -> None:
    """The demo's staff member (editor) and director (admin) of the office's
    organization; their passwords go beside the sysadmin's."""
    users_file = os.path.join(os.path.dirname(password_file) or ".", "demo-users")
    lines = []
    for name, fullname, capacity in USERS:
        if model.User.get(name) is None:
            password = secrets.token_urlsafe(12)
            tk.get_action("user_create")(
                demo._site_context(),
                {"name": name, "email": f"{name}@utt1.localhost", "password": password,
                 "fullname": fullname},
            )
            lines.append(f"{name} {password}")
            echo(f"demo user created: {name} / {password} ({capacity} of {demo.ORG_NAME})")
        tk.get_action("organization_member_create")(
            demo._site_context(), {"id": demo.ORG_NAME, "username": name, "role": capacity}
        )
    if lines:
        with open(users_file, "a") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(users_file, 0o600)
    else:
        echo(f"demo users: staff, director (passwords in {users_file})")


def ensure_restricted_dataset(echo: Callable[[str], None]) -> None:
    try:
        tk.get_action("package_show")(demo._site_context(), {"id": DATASET})
        echo(f"dataset: {DATASET} (exists)")
        return
    except tk.ObjectNotFound:
        pass
    pkg = tk.get_action("package_create")(
        demo._site_context(),
        {
            "name": DATASET,
            "title": "ข้อมูลนักเรียนรายบุคคล ปีการศึกษา 2568 (จำกัดสิทธิ์)",
            "notes": demo.SAMPLE_NOTE
            + "ข้อมูลนักเรียนรายบุคคลเป็นข้อมูลส่วนบุคคล ให้บริการเฉพาะผู้ที่ได้รับอนุมัติคำขอใช้ข้อมูล "
            "ส่วนสรุปจำนวนนักเรียนดาวน์โหลดได้ทันที\n\n"
            "Individual student records are personal data: they are given only to "
            "requesters whose access request is approved. The summary is public.",
            "owner_org": demo.ORG_NAME,
            "license_id": "other-closed",
            "tags": [{"name": "DMC"}, {"name": "นักเรียน"}, {"name": demo.SAMPLE_TAG}],
            **demo.COMMON,
            "data_category": "personal",
            "accessible_condition": (
                "ไฟล์รายบุคคลต้องยื่นคำขอใช้ข้อมูลและได้รับอนุมัติจากผู้อำนวยการกลุ่มนโยบายและแผน\n\n"
                "The individual file needs an access request approved by the Director "
                "of the Policy and Planning Group."
            ),
            "topic_category": "students",
            "source_program": "dmc",
            "collection_round": "10-jun",
            "academic_year": 2568,
            "education_level": ["primary"],
            "coverage": ["service-area"],
            "unit_of_measure": "คน",
            "update_frequency": "per-term",
        },
    )
    _upload(pkg["id"], "students-individual-2568.csv", RESTRICTED_CSV,
            name="นักเรียนรายบุคคล.csv", access_level="restricted",
            description="รายชื่อนักเรียนรายบุคคล (ข้อมูลตัวอย่าง) — ต้องยื่นคำขอใช้ข้อมูล")
    _upload(pkg["id"], "students-summary-2568.csv", SUMMARY_CSV,
            name="สรุปจำนวนนักเรียน.csv", description="สรุปจำนวนนักเรียนรายโรงเรียน")
    echo(f"dataset created: {DATASET} (one restricted file)")


def seed(password_file: str, echo: Callable[[str], None]) -> None:
    ensure_users(password_file, echo)
    ensure_restricted_dataset(echo)
