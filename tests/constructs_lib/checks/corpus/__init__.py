"""The corpus: SqsPatternChecks measured on the SQS wiring of public CDK apps.

Each module here is a small aws-cdk-lib app written for this project that
re-creates the SQS wiring of one public Python CDK v2 app (its ``SOURCE``:
repository, path, commit): the same queues, redrive policies, consumers,
producers, policies and names, with the settings that matter to the rules,
and a handler whose behaviour stands for the original's (printing only, or
able to fail). No code of the public apps is here, and no template of
theirs: each app is synthesized by the test (`synthesized`).

Each module says what the rules should find (``JUDGED``): every finding with
its verdict (``True``: a real problem, by AWS's documentation; ``False``: a
false positive) and why; a real problem no rule finds would be listed as a
miss (``MISSES``, empty for every app today). ``ON_ORIGINAL`` records the
rules `constructs-lib check` reported on the original app, synthesized
unmodified (docs/evidence.md, "The corpus"), so that the re-creation is held
to the same findings.

`measure` counts true positives, false positives and misses per rule;
``python -m tools.check_corpus`` prints the tables of docs/evidence.md from it.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_cdk import App, Duration
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from constructs_lib.checks import Report, check, load
from constructs_lib.checks.catalog import RULES, RULES_BY_ID
from tests.conftest import bare_app, cdk_context

#: The corpus, one module per public app.
MODULES = (
    "sqs_best_practices",
    "api_sqs_lambda",
    "s3_sns_sqs_lambda_chain",
    "apigw_http_api_sqs_lambda",
    "apigw_rest_api_eventbridge_sqs_fanout",
    "apigw_sqs_lambda_ddb",
    "apigw_rest_api_sqs_lambda_bedrock",
    "cwlogs_lambda_sns_sqs",
    "eventbridge_schedule_to_sqs",
    "eventbridge_sqs",
    "lambda_eventbridge_sqs_lambda",
    "lambda_sqs",
    "s3_sqs",
    "s3_sqs_lambda_bedrock_s3",
    "sns_sqs",
    "sqs_fifo_delayed_queue_dynamodb",
    "sqs_lambda",
    "sqs_lambda_dynamodb",
    "sqs_lambda_eventbridge",
    "cross_account_eventbridge",
    "kms_s3_sqs_sample",
)

SERVERLESS_PATTERNS = "aws-samples/serverless-patterns"
SERVERLESS_PATTERNS_COMMIT = "fb7b5d06c27d8abb1bd35e52ab7523acf4baab7b"
CDK_EXAMPLES = "aws-samples/aws-cdk-examples"
CDK_EXAMPLES_COMMIT = "bccff1d2775e4b0bf777721c6b41c0107e122f73"


@dataclass(frozen=True)
class Source:
    """The public app a corpus app re-creates."""

    repo: str
    path: str
    commit: str

    @property
    def url(self) -> str:
        suffix = f"/{self.path}" if self.path else ""
        return f"https://github.com/{self.repo}/tree/{self.commit}{suffix}"


@dataclass(frozen=True)
class Judged:
    """A finding the rules give (or should give), with its verdict."""

    rule: str
    #: the construct path the finding names
    path: str
    #: True: a real problem (AWS documents the loss, refusal or risk); False: a false positive
    real: bool
    why: str

    @property
    def rule_id(self) -> str:
        return f"SqsPatterns-{self.rule}"


@dataclass(frozen=True)
class CorpusApp:
    name: str
    source: Source
    build: Callable[[App], None]
    judged: tuple[Judged, ...]
    #: rule numbers `check` reported on the original app, one per finding
    on_original: tuple[str, ...]
    #: real problems no rule finds (each a Judged with real=True)
    misses: tuple[Judged, ...] = ()
    #: the original's cdk.json sets today's recommended feature flags (else none that matter)
    feature_flags: bool = True


def corpus_app(module: ModuleType) -> CorpusApp:
    return CorpusApp(
        name=module.__name__.rsplit(".", 1)[-1],
        source=module.SOURCE,
        build=module.build,
        judged=tuple(module.JUDGED),
        on_original=tuple(module.ON_ORIGINAL),
        misses=tuple(getattr(module, "MISSES", ())),
        feature_flags=getattr(module, "FEATURE_FLAGS", True),
    )


def apps() -> list[CorpusApp]:
    return [corpus_app(importlib.import_module(f"{__name__}.{name}")) for name in MODULES]


def synthesized(app: CorpusApp, outdir: Path) -> Report:
    """The app synthesized into ``outdir`` (CDK's CloudFormation validation off), checked."""
    cdk_app = bare_app(outdir=str(outdir), context=cdk_context() if app.feature_flags else {})
    app.build(cdk_app)
    cdk_app.synth()
    return check(load([outdir]))


def check_all(corpus: Iterable[CorpusApp] | None = None) -> dict[str, Report]:
    """Every corpus app synthesized once, in a temporary directory, and checked."""
    reports = {}
    with tempfile.TemporaryDirectory(prefix="corpus-") as root:
        for app in corpus if corpus is not None else apps():
            reports[app.name] = synthesized(app, Path(root) / app.name)
    return reports


# --- measuring -------------------------------------------------------------------------


@dataclass
class Outcome:
    """One app's findings set against its verdicts."""

    app: CorpusApp
    true_positives: list[Judged] = field(default_factory=list)
    false_positives: list[Judged] = field(default_factory=list)
    #: real problems not found: the app's MISSES and any JUDGED real finding that did not come
    misses: list[Judged] = field(default_factory=list)
    #: findings without a verdict (rule id, path): the corpus must judge every one
    unjudged: list[tuple[str, str]] = field(default_factory=list)
    #: rule numbers of the findings, one per finding
    found_rules: list[str] = field(default_factory=list)


def outcome(app: CorpusApp, report: Report) -> Outcome:
    result = Outcome(app)
    verdicts = {(j.rule_id, j.path): j for j in app.judged}
    found = set()
    for item in report.findings:
        key = (item.rule_id, item.path)
        found.add(key)
        result.found_rules.append(item.rule_id.removeprefix("SqsPatterns-"))
        judged = verdicts.get(key)
        if judged is None:
            result.unjudged.append(key)
        elif judged.real:
            result.true_positives.append(judged)
        else:
            result.false_positives.append(judged)
    result.misses = [j for j in app.judged if j.real and (j.rule_id, j.path) not in found] + list(
        app.misses
    )
    return result


def measure(reports: dict[str, Report], corpus: Iterable[CorpusApp] | None = None) -> list[Outcome]:
    return [outcome(app, reports[app.name]) for app in (corpus or apps())]


def rule_table(outcomes: list[Outcome]) -> str:
    """Per rule: severity, true positives, false positives, misses over the corpus (markdown)."""
    lines = [
        "| rule | severity | true positives | false positives | misses | apps with a finding |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    totals = [0, 0, 0]
    for rule in RULES:
        tp = sum(1 for o in outcomes for j in o.true_positives if j.rule_id == rule.id)
        fp = sum(1 for o in outcomes for j in o.false_positives if j.rule_id == rule.id)
        missed = sum(1 for o in outcomes for j in o.misses if j.rule_id == rule.id)
        apps_found = sum(
            1
            for o in outcomes
            if any(j.rule_id == rule.id for j in o.true_positives + o.false_positives)
        )
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + missed]
        lines.append(f"| {rule.id} | {rule.severity} | {tp} | {fp} | {missed} | {apps_found} |")
    lines.append(f"| all | | {totals[0]} | {totals[1]} | {totals[2]} | |")
    return "\n".join(lines)


def app_table(outcomes: list[Outcome]) -> str:
    """Per app: what it re-creates, its findings by rule, and the verdicts (markdown)."""
    lines = [
        "| corpus app | re-creates | findings | true | false | misses |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        source = o.app.source
        where = f"{source.repo}/{source.path}" if source.path else source.repo
        found = ", ".join(_rule_sorted(o.found_rules)) or "none"
        lines.append(
            f"| `{o.app.name}` | [{where}]({source.url}) | {found} | "
            f"{len(o.true_positives)} | {len(o.false_positives)} | {len(o.misses)} |"
        )
    return "\n".join(lines)


#: The markers of the generated block in docs/evidence.md.
BEGIN = "<!-- corpus tables: python -m tools.check_corpus --write -->"
END = "<!-- end of corpus tables -->"


def render(outcomes: list[Outcome]) -> str:
    """The block docs/evidence.md holds between `BEGIN` and `END`."""
    apps_count = len(outcomes)
    judged = sum(len(o.true_positives) + len(o.false_positives) for o in outcomes)
    return "\n".join(
        [
            BEGIN,
            "",
            f"Per rule, over the {apps_count} corpus apps ({judged} findings, each judged):",
            "",
            rule_table(outcomes),
            "",
            "Per app:",
            "",
            app_table(outcomes),
            "",
            END,
        ]
    )


def _rule_sorted(rules: list[str]) -> list[str]:
    return sorted(rules, key=lambda r: int(r.removeprefix("SP")))


def severity_of(judged: Judged) -> str:
    return RULES_BY_ID[judged.rule_id].severity


# --- what the corpus apps share --------------------------------------------------------

#: A handler that only prints what it receives: it cannot fail on a message.
PRINTS_ONLY = "def handler(event, context):\n    print(event)\n"
#: A handler that parses each message and writes it somewhere: any message can fail.
MAY_FAIL = (
    "import json\n\n"
    "def handler(event, context):\n"
    "    for record in event['Records']:\n"
    "        json.loads(record['body'])  # then written to a table, a bucket, a model...\n"
)


def function(
    scope: Construct,
    construct_id: str,
    *,
    code: str = PRINTS_ONLY,
    timeout: Duration | None = None,
    **options: Any,
) -> lambda_.Function:
    """An inline Python function standing for the original's handler."""
    return lambda_.Function(
        scope,
        construct_id,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline(code),
        timeout=timeout,
        **options,
    )
