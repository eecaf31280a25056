"""Writing GP surgeries, their engagement and referrals, courses, sessions and attendance.

Every service is keyword-only, runs in one transaction, asks ``access.policy`` first and writes
an audit entry with the change.
"""

from casebridge.training.services.sessions import attendance_record, course_create, session_record
from casebridge.training.services.surgeries import (
    referral_record,
    surgery_register,
    surgery_status_change,
)

__all__ = [
    "attendance_record",
    "course_create",
    "referral_record",
    "session_record",
    "surgery_register",
    "surgery_status_change",
]
