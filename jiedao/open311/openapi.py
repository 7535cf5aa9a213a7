"""The OpenAPI 3 description of /open311/v2/, written by hand from the GeoReport v2 spec and what
the views do (the tests hold the two together and a schemathesis run in CI fuzzes against it).
Each path exists once per format: `.json` answers are described field by field, `.xml` answers
carry the same document as XML (`text/xml`)."""

from copy import deepcopy

from .params import MAX_RECORDS
from .statuses import EXTENDED_STATUSES

BASE_PATH = "/open311/v2"


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


STRING = {"type": "string"}
DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["code", "description"], "additionalProperties": False,
        "properties": {"code": {"type": "integer"}, "description": STRING},
    },
    "Errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Error"}},
    "Discovery": {
        "type": "object", "required": ["changeset", "contact", "key_service", "endpoints"],
        "additionalProperties": False,
        "properties": {
            "changeset": DATE_TIME, "contact": STRING, "key_service": STRING,
            "endpoints": {"type": "array", "minItems": 1, "items": {
                "type": "object", "required": ["specification", "url", "changeset", "type", "formats"],
                "additionalProperties": False,
                "properties": {
                    "specification": STRING, "url": STRING, "changeset": DATE_TIME,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {"type": "array", "items": {"type": "string",
                                                           "enum": ["text/xml", "application/json"]}},
                }}},
        },
    },
    "Service": {
        "type": "object",
        "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "additionalProperties": False,
        "properties": {
            "service_code": STRING, "service_name": STRING, "description": STRING,
            "metadata": {"type": "boolean", "description": "true when GET services/{service_code} lists attributes"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": _nullable({"type": "string", "description": "comma-delimited (pinyin, initials)"}),
            "group": {"type": "string", "description": "the catalogue's major class (大类)"},
        },
    },
    "Services": {"type": "array", "items": {"$ref": "#/components/schemas/Service"}},
    "ServiceDefinition": {
        "type": "object", "required": ["service_code", "attributes"], "additionalProperties": False,
        "properties": {
            "service_code": STRING,
            "attributes": {"type": "array", "items": {
                "type": "object",
                "required": ["variable", "code", "datatype", "required", "datatype_description", "order",
                             "description", "values"],
                "additionalProperties": False,
                "properties": {
                    "variable": {"type": "boolean"}, "code": STRING,
                    "datatype": {"type": "string", "enum": ["string", "number", "datetime", "text",
                                                            "singlevaluelist", "multivaluelist"]},
                    "required": {"type": "boolean"}, "datatype_description": _nullable(STRING),
                    "order": {"type": "integer", "minimum": 1}, "description": STRING,
                    "values": {"type": "array", "items": {
                        "type": "object", "required": ["key", "name"], "additionalProperties": False,
                        "properties": {"key": STRING, "name": STRING}}},
                }}},
        },
    },
    "ServiceRequest": {
        "type": "object",
        "required": ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                     "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                     "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"],
        "additionalProperties": False,
        "properties": {
            "service_request_id": {"type": "string", "description": "the case number, e.g. 2026-000123"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": _nullable(STRING),
            "service_name": STRING, "service_code": STRING,
            "description": _nullable({"type": "string", "maxLength": 4000}),
            "agency_responsible": _nullable(STRING), "service_notice": _nullable(STRING),
            "requested_datetime": DATE_TIME, "updated_datetime": DATE_TIME,
            "expected_datetime": _nullable(DATE_TIME),
            "address": _nullable(STRING), "address_id": _nullable(STRING), "zipcode": _nullable(STRING),
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "media_url": _nullable(STRING),
            "extended_attributes": {
                "type": "object", "required": ["extended_status"], "additionalProperties": False,
                "description": "only with extensions=true",
                "properties": {"extended_status": {"type": "string", "enum": list(EXTENDED_STATUSES)}}},
        },
    },
    "ServiceRequests": {"type": "array", "items": {"$ref": "#/components/schemas/ServiceRequest"}},
    "RequestCreated": {
        "type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["token", "service_notice", "account_id"], "additionalProperties": False,
            "properties": {"token": STRING, "service_notice": _nullable(STRING), "account_id": _nullable(STRING)}}},
    "TokenLookup": {
        "type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["service_request_id", "token"], "additionalProperties": False,
            "properties": {
                "service_request_id": _nullable({"type": "string",
                                                 "description": "null while the report waits for intake"}),
                "token": STRING}}},
    "RequestUpdates": {"type": "array", "items": {
        "type": "object",
        "required": ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"],
        "additionalProperties": False,
        "properties": {
            "update_id": STRING, "service_request_id": STRING,
            "status": {"type": "string", "enum": list(EXTENDED_STATUSES)},
            "updated_datetime": DATE_TIME, "description": STRING, "media_url": _nullable(STRING),
        }}},
    "UpdateCreated": {
        "type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["update_id", "account_id"], "additionalProperties": False,
            "properties": {"update_id": STRING, "account_id": _nullable(STRING)}}},
}

JURISDICTION = {"name": "jurisdiction_id", "in": "query", "required": False, "schema": STRING,
                "description": "Optional: this endpoint serves one jurisdiction. When the office has set "
                               "its id, any other value is a 404."}
API_KEY = {"name": "api_key", "in": "query", "required": False, "schema": STRING,
           "description": "The key the office issued to your system; in the form body (as the spec has it) "
                          "or here. Missing or wrong: 403."}
PAGE = {"name": "page", "in": "query", "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100_000},
        "description": "Pagination extension: the page to return (1 = first)."}
PAGE_SIZE = {"name": "page_size", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RECORDS},
             "description": f"Pagination extension: records per page (default and most {MAX_RECORDS})."}
START = {"name": "start_date", "in": "query", "required": False, "schema": DATE_TIME,
         "description": "Earliest time to include (W3C date-time; without an offset, Asia/Shanghai)."}
END = {"name": "end_date", "in": "query", "required": False, "schema": DATE_TIME,
       "description": "Latest time to include; at most 90 days after start_date. Default: the last 90 days."}
IDS = {"name": "service_request_id", "in": "query", "required": False, "schema": STRING,
       "description": "Comma-delimited case numbers; overrides every other argument."}
EXTENSIONS = {"name": "extensions", "in": "query", "required": False, "schema": {"type": "boolean"},
              "description": "true adds extended_attributes.extended_status (mySociety's statuses)."}

PAGINATION_HEADERS = {
    "X-Page-Size": {"schema": {"type": "string"}, "description": "records per page"},
    "X-Next-Page-URL": {"schema": {"type": "string"}, "description": "present when there is a next page"},
    "Link": {"schema": {"type": "string"}, "description": 'rel="next" when there is a next page'},
}

REPORT_FIELDS = {
    "api_key": {"type": "string", "description": "The key the office issued to your system (required)."},
    "jurisdiction_id": STRING,
    "service_code": {"type": "string", "description": "From GET services."},
    "lat": {"type": "number", "description": "Latitude in `crs` (default WGS-84)."},
    "long": {"type": "number", "description": "Longitude in `crs` (default WGS-84)."},
    "crs": {"type": "string", "enum": ["wgs84", "gcj02", "bd09"],
            "description": "Our extension: gcj02 for AMap/Tencent, bd09 for Baidu coordinates."},
    "address_string": {"type": "string", "maxLength": 256},
    "address_id": {"type": "string", "maxLength": 100},
    "email": {"type": "string"}, "device_id": {"type": "string"}, "account_id": {"type": "string"},
    "first_name": {"type": "string"}, "last_name": {"type": "string"}, "phone": {"type": "string"},
    "description": {"type": "string", "maxLength": 4000}, "media_url": {"type": "string"},
    "client_key": {"type": "string", "maxLength": 200,
                   "description": "Idempotency key (or the Idempotency-Key header): a retry returns the same report."},
}

UPDATE_FIELDS = {
    "api_key": {"type": "string"},
    "jurisdiction_id": STRING,
    "service_request_id": {"type": "string"}, "update_id": {"type": "string"},
    "status": {"type": "string", "description": "Upper case, e.g. OPEN (not fixed), FIXED, CLOSED."},
    "updated_datetime": {"type": "string", "format": "date-time"},
    "description": {"type": "string", "maxLength": 4000},
    "email": {"type": "string"}, "phone": {"type": "string"}, "first_name": {"type": "string"},
    "last_name": {"type": "string"}, "account_id": {"type": "string"},
}


# A report inside the sub-district (the demo's area), and a resident's update to a case.
REPORT_EXAMPLE = {"service_code": "06010", "lat": 30.225, "long": 120.125,
                  "address_string": "桃源路 12 号", "description": "路口有一堆垃圾", "first_name": "三", "last_name": "张",
                  "phone": "13800001111"}
UPDATE_EXAMPLE = {"service_request_id": "2026-000002", "update_id": "fms-1001",
                  "status": "OPEN", "updated_datetime": "2026-11-17T09:30:00+08:00",
                  "description": "还是没清理干净"}


def _media(fields: dict) -> dict:
    return {**fields, "media": {"type": "array", "maxItems": 5, "items": {"type": "string", "format": "binary"},
                                "description": "Photos (JPEG, PNG, WebP, HEIC), checked by content."}}


def _answer(fmt: str, schema: str | None, description: str, headers: dict | None = None) -> dict:
    if fmt == "json":
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    else:
        content = {"text/xml": {"schema": {"type": "string"}}}
    answer = {"description": description, "content": content}
    if headers:
        answer["headers"] = headers
    return answer


ERROR_TEXT = {
    400: "Bad or missing parameter, or a request that cannot be read (errors/error)",
    403: "Missing, wrong or disabled api_key",
    404: "Unknown jurisdiction, service, request or token",
    413: "A photo or the request is too large",
    415: "Not form-encoded, or a media file that is not a photo we accept",
    422: "The idempotency key (Idempotency-Key, client_key, update_id) was used before with a different body",
    429: "Too many submissions this minute (Retry-After)",
}


def _errors(fmt: str, codes: tuple[int, ...]) -> dict:
    return {str(code): _answer(fmt, "Errors", ERROR_TEXT[code]) for code in codes}


def _operations(fmt: str) -> dict:
    # Any call may be a 400: a NUL character in the address or a parameter is refused before it.
    def get(summary, schema, params=(), errors=(400, 404), headers=None, operation=""):
        return {"get": {
            "operationId": f"{operation}_{fmt}", "summary": summary,
            "parameters": [JURISDICTION, *params],
            "responses": {"200": _answer(fmt, schema, "OK", headers), **_errors(fmt, errors)},
        }}

    def post(summary, fields, required, created_schema, operation, example):
        return {
            "operationId": f"{operation}_{fmt}", "summary": summary,
            "parameters": [API_KEY],
            "requestBody": {"required": True, "content": {
                "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": fields,
                                                                 "required": required},
                                                      "example": example},
                "multipart/form-data": {"schema": {"type": "object", "properties": _media(fields),
                                                   "required": required}},
            }},
            "responses": {
                "201": _answer(fmt, created_schema, "Created"),
                "200": _answer(fmt, created_schema, "The same key was used before: the earlier answer"),
                **_errors(fmt, (400, 403, 404, 413, 415, 422, 429)),
            },
        }

    code_param = {"name": "service_code", "in": "path", "required": True, "schema": STRING, "example": "06010"}
    id_param = {"name": "service_request_id", "in": "path", "required": True, "schema": STRING,
                "example": "2026-000002"}
    token_param = {"name": "token", "in": "path", "required": True, "schema": STRING}
    list_params = (IDS, {"name": "service_code", "in": "query", "required": False, "schema": STRING,
                         "description": "Comma-delimited service codes"},
                   START, END, {"name": "status", "in": "query", "required": False, "schema": STRING,
                                "description": "open, closed or open,closed"},
                   PAGE, PAGE_SIZE, EXTENSIONS)
    requests = get("Published service requests, newest first (90 days / 1000 records by default)",
                   "ServiceRequests", list_params, headers=PAGINATION_HEADERS, operation="getServiceRequests")
    requests["post"] = post(
        "Report a problem (answers with a token; the id comes once the office accepted it)", REPORT_FIELDS,
        ["service_code"], "RequestCreated", "postServiceRequest", REPORT_EXAMPLE)
    updates = get("Public steps of published requests (mySociety's service request updates), oldest first",
                  "RequestUpdates", (IDS, START, END, PAGE, PAGE_SIZE), headers=PAGINATION_HEADERS,
                  operation="getServiceRequestUpdates")
    updates["post"] = post("A resident's update to a published request (mySociety)", UPDATE_FIELDS,
                           ["service_request_id", "update_id", "status", "updated_datetime", "description"],
                           "UpdateCreated", "postServiceRequestUpdate", UPDATE_EXAMPLE)
    return {
        f"/discovery.{fmt}": get("Service discovery", "Discovery", operation="getDiscovery"),
        f"/services.{fmt}": get("Services (our catalogue, grouped by major class)", "Services",
                                operation="getServices"),
        f"/services/{{service_code}}.{fmt}": get("Service definition (extra facts a category asks for)",
                                                 "ServiceDefinition", (code_param,),
                                                 operation="getServiceDefinition"),
        f"/requests.{fmt}": requests,
        f"/requests/{{service_request_id}}.{fmt}": get("One published service request", "ServiceRequests",
                                                       (id_param, EXTENSIONS), operation="getServiceRequest"),
        f"/tokens/{{token}}.{fmt}": get("The id of a report from its token", "TokenLookup", (token_param,),
                                        operation="getToken"),
        f"/servicerequestupdates.{fmt}": updates,
    }


DESCRIPTION = """Open311 GeoReport v2 for the sub-district's case system: XML and JSON (pick with the
suffix), the pagination extension (page, page_size; X-Next-Page-URL / Link headers) and mySociety's
service request updates. Ids are strings (our case numbers); coordinates are WGS-84; times carry
their offset (+08:00).

What is published: cases from the sources the office publishes, once staff have accepted them. A
report you POST waits for intake, so POST answers with a `token` only (the spec returns a token
or an id, never both); GET tokens/{token} gives the `service_request_id` once it is accepted
(null until then). Never published: the reporter's name, phone or email, staff opinions, a
voided report's description, photos staff have not made public (media_url links a public one).
Sensitive categories show the portal's approximate point (about 200 m) and no address.

POST needs `api_key` (issued by the office). Attributes go as `attribute[CODE]=value`
(`attribute[CODE][]=v` for multivaluelist); `crs` (wgs84, gcj02, bd09) is our extension; an
`Idempotency-Key` header or `client_key` field makes a retry return the same report. Errors are
`errors/error{code, description}` with 400, 403, 404, 405, 413, 415 or 429."""


def openapi_document() -> dict:
    paths = {}
    for fmt in ("json", "xml"):
        paths.update(_operations(fmt))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Jiedao Open311 GeoReport v2", "version": "2", "description": DESCRIPTION},
        "servers": [{"url": BASE_PATH}],
        "paths": paths,
        "components": {"schemas": deepcopy(SCHEMAS)},
    }
