"""Trained staff as maturity evidence."""

from maturity import selectors as maturity
from tests.conftest import Org
from tests.training.conftest import published_course, take
from training.evidence import install_criterion


def _staff_trained(unit: object) -> maturity.Result:
    overview = maturity.overview()
    assessment = next(a for a in overview.units if a.unit == unit)
    return next(r for r in assessment.results if r.key == "staff_trained")


def test_no_course_is_no_evidence(org: Org) -> None:
    install_criterion()
    result = _staff_trained(org.marketing)
    assert (result.met, result.stage) == (False, 5)


def test_met_once_every_member_of_the_unit_is_trained(org: Org) -> None:
    install_criterion()
    course = published_course(org)
    take(org.marketing_member, course, right=2)
    assert not _staff_trained(org.marketing).met
    take(org.marketing_lead, course, right=2)
    result = _staff_trained(org.marketing)
    assert result.met
    assert "2 of 2" in result.detail
    assert not _staff_trained(org.sales).met
