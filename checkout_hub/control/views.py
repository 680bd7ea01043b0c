"""The hub's own endpoints under /__hub/: health and scenarios."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from checkout_hub import clock
from checkout_hub.api import VendorAPIView
from checkout_hub.api.errors import ErrorHandler, ErrorTable, Row, Situation, WireError
from checkout_hub.models import RequestLog, ScenarioRule, Vendor
from checkout_hub.services import errors, journal, latency, scenarios
from checkout_hub.services import reset as reset_service


def _valid_names(exc, at) -> dict:
    return {"valid": exc.valid}


class HubErrorHandler(ErrorHandler):
    """`{code, message, data: {status, ...}}` for the hub's endpoints: the domain's own codes
    (a domain error not in the table is a 400 with its code); DRF's errors as `hub_<code>`."""

    table = ErrorTable(
        {
            errors.UnknownScenario: Row("unknown_scenario", 400, details=_valid_names),
            errors.RateLimited: Row("rate_limited", 429),
            errors.NotAuthenticated: Row("not_authenticated", 401),
            errors.ServerError: Row("server_error", 500),
        },
        fallback=Row(lambda e, at: e.code, 400),
    )

    def render(self, error: WireError, situation: Situation) -> Response:
        body = {
            "code": error.code,
            "message": error.message,
            "data": {"status": error.status, **error.details},
        }
        return Response(body, status=error.status, headers=error.headers)

    def drf_error(self, exc: APIException, situation: Situation) -> WireError:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "invalid_request"
        message = exc.detail if isinstance(exc.detail, str) else "Invalid request."
        details = exc.detail if isinstance(exc.detail, dict | list) else {"detail": exc.detail}
        return WireError(f"hub_{code}", exc.status_code, str(message), {"details": details})


class HubAPIView(VendorAPIView):
    vendor = Vendor.HUB
    exception_handler = HubErrorHandler()
    authentication_classes: list = []  # the hub's endpoints need no credentials
    # health is for monitors: open even when HUB_CONTROL_READS_OPEN is off.
    always_readable = False

    def check_permissions(self, request):
        super().check_permissions(request)
        token = settings.HUB_CONTROL_TOKEN
        if not token:
            return
        if request.method in ("GET", "HEAD", "OPTIONS") and (
            settings.HUB_CONTROL_READS_OPEN or self.always_readable
        ):
            return
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            raise errors.NotAuthenticated(
                "This hub's control plane needs its token: "
                "Authorization: Bearer <HUB_CONTROL_TOKEN>."
            )


class HealthView(HubAPIView):
    """Is the hub up, and can it reach its database and cache?"""

    always_readable = True

    @extend_schema(
        responses=inline_serializer(
            "HubHealth",
            {
                "status": serializers.CharField(),
                "database": serializers.CharField(),
                "cache": serializers.CharField(),
            },
        )
    )
    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.set("hub:health", "ok", 5)
        return Response(
            {
                "status": "ok",
                "database": connection.vendor,
                "cache": "ok" if cache.get("hub:health") == "ok" else "unavailable",
            }
        )


class ScenarioRuleSerializer(serializers.ModelSerializer):
    """A stored rule. A field it does not know is a 400 listing the valid ones (a rule that
    silently ignored `path` or `times` would match everything forever)."""

    scenario = serializers.ChoiceField(choices=scenarios.names())

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(ScenarioRule.EDITABLE_FIELDS))
            if unknown:
                valid = ", ".join(ScenarioRule.EDITABLE_FIELDS)
                raise serializers.ValidationError(
                    {name: f"Unknown field. Valid fields: {valid}." for name in unknown}
                )
        return attrs

    class Meta:
        model = ScenarioRule
        fields = ["id", *ScenarioRule.EDITABLE_FIELDS, "hits"]
        read_only_fields = ["id", "hits"]


class ScenariosView(HubAPIView):
    """The scenario vocabulary and the stored rules. POST adds a rule; DELETE removes all."""

    serializer_class = ScenarioRuleSerializer

    def get(self, request):
        return Response(
            {
                "header": "X-Hub-Scenario",
                "query_param": scenarios.QUERY_PARAM,
                "unknown_scenario_status": 400,  # on every vendor, in its envelope
                "delay_header": "X-Hub-Delay",
                "delay_query_param": latency.QUERY_PARAM,
                "scenarios": [
                    {"name": s.name, "fires_at": list(s.points), "description": s.description}
                    for s in scenarios.VOCABULARY.values()
                ],
                "rules": ScenarioRuleSerializer(ScenarioRule.objects.all(), many=True).data,
            }
        )

    def post(self, request):
        serializer = ScenarioRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def delete(self, request):
        ScenarioRule.objects.all().delete()  # the delete signal forgets the cached rules
        return Response(status=status.HTTP_204_NO_CONTENT)


def _clock_body() -> dict:
    return {"now": clock.now().isoformat().replace("+00:00", "Z"), "frozen": clock.is_frozen()}


class ClockChangeSerializer(serializers.Serializer):
    freeze = serializers.DateTimeField(required=False, help_text="Stop the clock at this instant.")
    advance = serializers.FloatField(
        required=False, help_text="Move the clock on by this many seconds (frozen or not)."
    )

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    name: f"Unknown field. Valid fields: {', '.join(self.fields)}."
                    for name in unknown
                }
            )
        if not attrs:
            raise serializers.ValidationError("Send freeze (an ISO 8601 instant) or advance.")
        return attrs


HubClock = inline_serializer(
    "HubClock", {"now": serializers.DateTimeField(), "frozen": serializers.BooleanField()}
)


class ClockView(HubAPIView):
    """The hub's clock, shared by every worker: GET reads it; POST `{"freeze": instant}` stops
    it there and/or `{"advance": seconds}` moves it on; DELETE goes back to real time."""

    serializer_class = ClockChangeSerializer

    @extend_schema(responses=HubClock)
    def get(self, request):
        return Response(_clock_body())

    @extend_schema(request=ClockChangeSerializer, responses=HubClock)
    def post(self, request):
        serializer = ClockChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "freeze" in serializer.validated_data:
            clock.freeze(serializer.validated_data["freeze"])
        if "advance" in serializer.validated_data:
            clock.advance(serializer.validated_data["advance"])
        return Response(_clock_body())

    @extend_schema(request=None, responses=HubClock)
    def delete(self, request):
        clock.unfreeze()
        return Response(_clock_body())


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, listing the valid ones (a typo is not ignored)."""

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                valid = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {name: f"Unknown field. Valid fields: {valid}." for name in unknown}
                )
        return attrs


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}, "minItems": 1},
        ]
    }
)
class ScopeField(serializers.Field):
    def to_internal_value(self, data):
        if isinstance(data, str) or (
            isinstance(data, list) and data and all(isinstance(n, str) for n in data)
        ):
            return data
        raise serializers.ValidationError("A scope name or a list of them.")

    def to_representation(self, value):
        return value


class ResetSerializer(StrictSerializer):
    scope = ScopeField(
        required=False,
        help_text='"all" (default), "data" (everything but the catalogue), or group names.',
    )
    seed = serializers.IntegerField(
        required=False, allow_null=True, help_text="Seed the hub's random source for ids."
    )


class ResetView(HubAPIView):
    """Back to a fresh demo store (carts, orders, payments, sessions, idempotency records,
    journal, scenario rules, webhook deliveries, the Stripe fake's objects gone; the catalogue
    as seed_store makes it; ids from 1). `scope` resets less; `seed` makes ids repeatable."""

    serializer_class = ResetSerializer

    @extend_schema(
        request=ResetSerializer,
        responses=inline_serializer(
            "HubReset",
            {
                "scope": serializers.ListField(child=serializers.CharField()),
                "seeded": serializers.BooleanField(),
                "seed": serializers.IntegerField(allow_null=True),
                "seconds": serializers.FloatField(),
            },
        ),
    )
    def post(self, request):
        serializer = ResetSerializer(data=request.data if request.data else {})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = reset_service.reset(data.get("scope"), data.get("seed"))
        except reset_service.UnknownScope as exc:
            raise serializers.ValidationError({"scope": [str(exc)], "valid": exc.valid}) from None
        return Response(
            {
                "scope": result.scope,
                "seeded": result.seeded,
                "seed": result.seed,
                "seconds": round(result.seconds, 4),
            }
        )


class JournalQuerySerializer(StrictSerializer):
    vendor = serializers.ChoiceField(choices=Vendor.values, required=False)
    method = serializers.CharField(required=False, max_length=10)
    path = serializers.CharField(required=False, help_text="Entries whose path contains this.")
    status = serializers.IntegerField(required=False, min_value=100, max_value=599)
    correlation_id = serializers.CharField(required=False, max_length=100)
    since = serializers.DateTimeField(required=False, help_text="Entries at or after (ISO 8601).")
    count = serializers.BooleanField(required=False, help_text="true: only {count}.")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=100)


JOURNAL_FIELDS = [
    "id",
    "created_at",
    "vendor",
    "method",
    "path",
    "query",
    "status",
    "duration_ms",
    "correlation_id",
    "scenario",
    "remote_addr",
    "request_headers",
    "request_body",
    "response_headers",
    "response_body",
]


class JournalEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = RequestLog
        fields = JOURNAL_FIELDS


class JournalView(HubAPIView):
    """The request journal, newest first, as stored (secrets redacted). Filters: vendor,
    method, path (contains), status, correlation_id, since; `count=true` answers only the
    count; `limit` (default 100). DELETE clears it. The journal's own reads are not listed."""

    @extend_schema(
        parameters=[JournalQuerySerializer],
        responses=inline_serializer(
            "HubJournal",
            {
                "count": serializers.IntegerField(),
                "entries": JournalEntrySerializer(many=True),
            },
        ),
    )
    def get(self, request):
        params = {
            k: v
            for k, v in request.query_params.dict().items()
            if not k.startswith("__") and k != "format"  # the hub's switches, DRF's format
        }
        query = JournalQuerySerializer(data=params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        journal.flush()  # this process's queued rows first
        rows = RequestLog.objects.exclude(path__startswith="/__hub/journal")
        if "vendor" in filters:
            rows = rows.filter(vendor=filters["vendor"])
        if "method" in filters:
            rows = rows.filter(method=filters["method"].upper())
        if "path" in filters:
            rows = rows.filter(path__contains=filters["path"])
        if "status" in filters:
            rows = rows.filter(status=filters["status"])
        if "correlation_id" in filters:
            rows = rows.filter(correlation_id=filters["correlation_id"])
        if "since" in filters:
            rows = rows.filter(created_at__gte=filters["since"])
        count = rows.count()
        if filters.get("count"):
            return Response({"count": count})
        entries = rows.order_by("-id").only(*JOURNAL_FIELDS)[: filters["limit"]]
        return Response(
            {"count": count, "entries": JournalEntrySerializer(entries, many=True).data}
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        journal.flush()
        RequestLog.objects.all().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
