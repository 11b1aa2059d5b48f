"""The service's own answers: the error object and the health report."""

from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

from app.schemas.fields import OptionalDict


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True)
    message = fields.String(required=True)
    bad_fields = OptionalDict(
        keys=fields.String(),
        attribute="fields",
        data_key="fields",
        metadata={"description": "each bad field of a request body, and why"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class HealthSchema(Schema):
    status = fields.String(
        required=True, validate=validate.OneOf(["ok", "unavailable"])
    )
    databases = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "each file: ok, unavailable or not configured"},
    )
    search = fields.String(
        metadata={"description": "index, or scan when no search index is configured"}
    )
    index_parts = fields.List(
        fields.String(),
        metadata={"description": "the parts the search index holds (names); empty without one"},
    )


error_schema = ErrorSchema()
health_schema = HealthSchema()
