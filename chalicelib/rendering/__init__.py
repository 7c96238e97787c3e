"""Document rendering (certificates as PDF). Importing is cheap: reportlab loads on first render."""

from chalicelib.rendering.certificate_pdf import SEAL_BOX, CertificateView, format_cn_date, render_certificate

__all__ = ["SEAL_BOX", "CertificateView", "format_cn_date", "render_certificate"]
