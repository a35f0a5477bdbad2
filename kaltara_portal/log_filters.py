"""A last line of defence for the log: no NIK or No. KK ever reaches it.

Views and services never log personal data, but a database error can quote a value (PostgreSQL's
"Key (nik)=(6501...) already exists") and a traceback can carry it. The filter masks every run of
sixteen digits in the message and in the formatted traceback, as the pages mask them.
"""

from __future__ import annotations

import logging
import re

from regions.identity import mask_number

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def mask_identity_numbers(text: str) -> str:
    return SIXTEEN_DIGITS.sub(lambda m: mask_number(m.group(0)), text)


class MaskIdentityNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_identity_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identity_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identity_numbers(record.stack_info)
        return True
