"""Load OpenAPI/Swagger documents safely, validate, normalise and snapshot them. Being written by the lead."""

__all__: list[str] = []
