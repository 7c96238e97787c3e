"""容缺后补 revocation reviews: closing one while keeping the certificate (the review itself is shown
on its case, `Application.revocationReview`)."""
