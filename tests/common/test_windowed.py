"""The first rows of each group in one statement (common/windowed.first_per_group): each
group cut to its first `limit` in its order, with its total; groups the caller expects are
there when empty; the `where` conditions hold for the ranking, not only for the result."""

from __future__ import annotations

from sqlalchemy import case

from app.common.windowed import Firsts, first_per_group
from app.organisations.models import Organisation, OrganisationKind

from ..factories import make_organisation


def test_the_first_of_each_group_with_the_totals(ctx, count_statements):
    for name in ("Dal", "Aby", "Berg", "Ceda", "Oje", "Mora", "Nora"):
        make_organisation(name=name)
    make_organisation(name="Alby", kind=OrganisationKind.MYNDIGHET)  # not matched by `where`

    with count_statements() as counter:
        groups = first_per_group(
            Organisation,
            group=case((Organisation.name < "M", 1), else_=0),
            order_by=(Organisation.name.desc(),),
            limit=2,
            where=(Organisation.kind == OrganisationKind.CIVILSAMHALLE,),
            groups=(1, 0, 2),
        )
    assert counter.count == 1
    assert set(groups) == {1, 0, 2}
    assert [o.name for o in groups[1].shown] == ["Dal", "Ceda"]
    assert groups[1].total == 4
    assert [o.name for o in groups[0].shown] == ["Oje", "Nora"]
    assert groups[0].total == 3
    assert groups[2] == Firsts()  # expected, but no rows: empty, none in all
