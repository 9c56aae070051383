"""URLs of verification (included under the "assessment" namespace by assessment/urls.py)."""

from django.urls import path

from assessment.verification import blocks, evidence, round_section, sampling, views

urlpatterns = [
    path("verification/", views.queue, name="verification_queue"),
    path("rounds/<int:round_id>/regions/<str:code>/verify/", views.verify, name="verify"),
    path(
        "rounds/<int:round_id>/regions/<str:code>/verify/<str:indicator>/sample/",
        sampling.sample_sheet,
        name="sample_sheet",
    ),
    path(
        "rounds/<int:round_id>/regions/<str:code>/verify/<str:indicator>/evidence/",
        evidence.add_evidence,
        name="verifier_evidence_add",
    ),
    path("verifier-evidence/<int:evidence_id>/", evidence.download, name="verifier_evidence"),
    path(
        "verifier-evidence/<int:evidence_id>/remove/",
        evidence.remove_evidence,
        name="verifier_evidence_remove",
    ),
    path("rounds/<int:round_id>/verification-blocks/", blocks.blocks, name="verification_blocks"),
    path(
        "rounds/<int:round_id>/verification-blocks/<int:block_id>/remove/",
        blocks.remove_block,
        name="verification_block_remove",
    ),
    path(
        "rounds/<int:round_id>/verification-policy/",
        round_section.save_policy,
        name="verification_policy",
    ),
]
