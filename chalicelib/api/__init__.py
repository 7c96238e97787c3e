"""The GraphQL API. Every GraphQL type module lives under this package, so the short path for
strawberry's string annotations is installed here, before any of them is declared
(chalicelib/api/_strawberry_seam.py)."""

from chalicelib.api._strawberry_seam import fast_annotation_evaluation

fast_annotation_evaluation()
