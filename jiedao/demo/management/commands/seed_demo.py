"""Build the demo sub-district 青溪街道 with its people and a few thousand cases replayed from real
Boston 311 data through the case services. Idempotent: a second run writes nothing; `--reset`
deletes the demo cases and replays them again. Sign-ins: jiedao/demo/README.md."""

import time
from collections import Counter
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from jiedao import clock
from jiedao.accountability.services import findings_refresh
from jiedao.cases.models import Case, CaseState
from jiedao.demo.addresses import demo_addresses_seed
from jiedao.demo.air import demo_air_seed
from jiedao.demo.assets import demo_assets_seed, demo_assets_wipe
from jiedao.demo.benchmarks import demo_benchmarks_seed
from jiedao.demo.campaigns import demo_campaign_seed
from jiedao.demo.duties import demo_duties_seed
from jiedao.demo.greening import demo_greening_seed
from jiedao.demo.inspections import demo_inspection_ranking_rule_seed, demo_inspections_seed
from jiedao.demo.leaders import demo_leaders_seed
from jiedao.demo.projects import demo_projects_seed, demo_projects_wipe
from jiedao.demo.replay import CLIENT_KEY_PREFIX, demo_cases_exist, demo_cases_seed, demo_cases_wipe
from jiedao.demo.rivers import demo_rivers_seed
from jiedao.demo.soil import demo_soil_seed
from jiedao.demo.territory import DEMO_PASSWORD, demo_people_seed, demo_territory_seed
from jiedao.demo.waste import demo_waste_seed
from jiedao.territory.services import organisations_seed_default


class Command(BaseCommand):
    help = "Seed the demo sub-district, its people and cases replayed from Boston 311 data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete the demo cases and replay them again")
        parser.add_argument("--limit", type=int, default=None,
                            help="replay only N requests, evenly spread over the 60 days (for tests)")

    def handle(self, *args, reset: bool, limit: int | None, verbosity: int, **options):
        started = time.monotonic()
        quiet = verbosity == 0

        def say(message: str) -> None:
            if not quiet:
                self.stdout.write(f"[{time.monotonic() - started:6.1f} s] {message}")

        departments = organisations_seed_default()
        call_command("seed_catalogue", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_worktime", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_supervision", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_accountability", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_evaluation", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_open311", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_checklists", verbosity=verbosity, stdout=self.stdout)
        call_command("seed_duties", verbosity=verbosity, stdout=self.stdout)
        say(f"departments, catalogue and working calendar ready (departments created: {departments})")

        territory, units_written = demo_territory_seed()
        say(f"territory: {territory.subdistrict.name}, {len(territory.areas)} 片区, "
            f"{len(territory.communities)} 社区（村）, {len(territory.grids)} 网格 ({units_written} rows written)")
        say(demo_addresses_seed())
        people, roster, people_written = demo_people_seed(territory=territory)
        say(f"people: {len(roster)} sign-ins, password {DEMO_PASSWORD!r} ({people_written} rows written)")

        if reset:
            say(f"reset: {demo_assets_wipe()} demo asset rows deleted")
            say(f"reset: {demo_projects_wipe()} demo project rows deleted")
            deleted = demo_cases_wipe()
            say(f"reset: {deleted} demo rows deleted")
        existing = demo_cases_exist()
        if existing:
            say(f"cases: {existing} demo cases already there, nothing to do (use --reset to replay them again)")
        else:
            def progress(done: int, total: int) -> None:
                say(f"cases: {done}/{total} replayed")

            counts = demo_cases_seed(territory=territory, people=people, limit=limit, progress=progress)
            say(f"cases: {counts['cases']} made, {counts['outside']} points outside every grid skipped, "
                f"{counts['failed']} refused by the services")
            for error in counts["errors"]:
                self.stderr.write(f"  refused: {error}")
            say(f"leaders: {demo_leaders_seed()}")
            # The register as the worker keeps it (it refreshes the current month every hour), for
            # this month and the last, so the demo opens with findings to look at.
            today = timezone.localtime(clock.now()).date()
            last_month_start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
            for start, end in ((last_month_start, today.replace(day=1) - timedelta(days=1)),
                               (today.replace(day=1), today)):
                refreshed = findings_refresh(start=start, end=end)
                say(f"accountability {start}–{end}: {refreshed.created} findings")

        say(f"inspections: {demo_inspections_seed(territory=territory, people=people)}")
        if not existing:
            # After the inspections: one board weighs their scores with the case indicators.
            demo_inspection_ranking_rule_seed()
            published = _publish_last_months_rankings(people)
            say(f"红黑榜: last month's ranking published for {published} rule(s)")
        say(demo_campaign_seed(territory=territory, people=people, reset=reset))
        say(f"对标创建: {demo_benchmarks_seed(people=people)}")
        say(demo_assets_seed(people=people))
        # Before the duties' sweep, so the chiefs' missed patrols are the ones this year really missed.
        say(demo_rivers_seed(territory=territory))
        say(demo_duties_seed())
        say(demo_greening_seed(territory=territory, people=people))
        say(demo_soil_seed())
        say(demo_waste_seed(territory=territory, people=people))
        say(demo_air_seed(territory=territory, people=people))
        say(demo_projects_seed(territory=territory, people=people))
        if not quiet:
            by_state = Counter(Case.objects.filter(client_key__startswith=CLIENT_KEY_PREFIX)
                               .values_list("state", flat=True))
            for state in CaseState:
                self.stdout.write(f"  {state.value:<13} {state.label!s:<8} {by_state.get(state.value, 0):>6}")
        say(self.style.SUCCESS("demo ready"))


def _publish_last_months_rankings(people) -> int:
    """Last month's 红黑榜, published by the sub-district's leader, as an office would at the start of
    a month: the dashboard and the public page open with a board."""
    from jiedao.evaluation.models import RankingRule
    from jiedao.evaluation.periods import period_named
    from jiedao.evaluation.services import ranking_compute, ranking_publish
    from jiedao.territory.models import Duty, Role

    leader = Duty.objects.filter(role=Role.LEADER).select_related("user").order_by("pk").first()
    if leader is None:
        return 0
    last_month = period_named("last_month", now=timezone.localtime(clock.now()))
    before = last_month.previous()
    published = 0
    for rule in RankingRule.objects.filter(is_active=True):
        if rule.publications.filter(period_start=last_month.start, period_end=last_month.end,
                                    is_published=True).exists():
            continue  # a replay (--reset) keeps what was published: it is frozen
        publication = ranking_compute(rule=rule, start=last_month.start, end=last_month.end,
                                      previous=(before.start, before.end))
        ranking_publish(publication=publication, by=leader.user)
        published += 1
    return published
