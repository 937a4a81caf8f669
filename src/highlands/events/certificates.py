"""Certificates of attendance: a PDF in the attendee's language, with a verification URL.

A certificate exists for a confirmed registration that was checked in, at an event of a
kind that trains (training, workshop, webinar). Its verification token is the
registration's id signed with the site's secret (``django.core.signing``), so anyone with
the URL can confirm it and nobody can forge one. The PDF is drawn with ``reportlab`` in
Roboto (``font-roboto``), which has the Polish letters.
"""

from __future__ import annotations

import io
from pathlib import Path

import font_roboto
from django.core import signing
from django.utils import timezone, translation
from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..ecosystem.localization import cluster_name, localized
from ..errors import NotFoundError
from .models import Registration, RegistrationStatus

SALT = "highlands.events.certificate"
CERTIFICATE_KINDS = frozenset({"training", "workshop", "webinar"})
NOT_VALID = "This certificate link is not valid."
_FONTS = {"Roboto": "Roboto-Regular.ttf", "Roboto-Bold": "Roboto-Bold.ttf"}


def eligible(registration: Registration) -> bool:
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.checked_in_at is not None
        and registration.event.kind in CERTIFICATE_KINDS
    )


def token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=SALT)


def verify(value: str) -> Registration:
    """The certified registration, or a 404 for a forged, damaged or revoked token."""
    try:
        pk = signing.loads(value[:200], salt=SALT)
    except signing.BadSignature as exc:
        raise NotFoundError(NOT_VALID) from exc
    registration = (
        Registration.objects.select_related("event", "user", "organization").filter(pk=pk).first()
    )
    if registration is None or not eligible(registration):
        raise NotFoundError(NOT_VALID)
    return registration


def _register_fonts() -> None:
    directory = Path(font_roboto.__file__).parent / "files"
    for name, filename in _FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(directory / filename)))


def attendee_name(registration: Registration) -> str:
    user = registration.user
    return user.get_full_name() or user.email or user.username


def pdf(registration: Registration, *, language: str, verify_url: str) -> bytes:
    """The certificate as PDF bytes, worded in ``language``."""
    _register_fonts()
    event = registration.event
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height))
    with translation.override(language):
        title = gettext("Certificate of attendance")
        page.setTitle(title)
        page.setLineWidth(2)
        page.rect(30, 30, width - 60, height - 60)
        page.setFont("Roboto-Bold", 30)
        page.drawCentredString(width / 2, height - 120, title)
        page.setFont("Roboto", 14)
        page.drawCentredString(width / 2, height - 175, gettext("This is to certify that"))
        page.setFont("Roboto-Bold", 24)
        page.drawCentredString(width / 2, height - 215, attendee_name(registration))
        page.setFont("Roboto", 14)
        page.drawCentredString(width / 2, height - 255, gettext("attended"))
        page.setFont("Roboto-Bold", 18)
        page.drawCentredString(
            width / 2, height - 290, localized(event, "title", language).text[:90]
        )
        page.setFont("Roboto", 13)
        day = timezone.localtime(event.starts_at).strftime("%Y-%m-%d")
        page.drawCentredString(width / 2, height - 325, gettext("held on %(date)s") % {"date": day})
        organisers = ", ".join(cluster_name(c, language).text for c in event.clusters.all())
        if organisers:
            page.drawCentredString(
                width / 2,
                height - 350,
                (gettext("Organised by %(names)s") % {"names": organisers})[:120],
            )
        page.setFont("Roboto", 9)
        page.drawCentredString(
            width / 2,
            60,
            gettext("Check that this certificate is genuine: %(url)s") % {"url": verify_url},
        )
    page.showPage()
    page.save()
    return buffer.getvalue()
