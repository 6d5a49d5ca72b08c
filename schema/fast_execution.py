"""Completes plain data objects without graphql-core's per-field machinery, with the same checks and audit.

A person page is a few hundred small objects (services, involvements, records, link reasons, comparisons) whose
fields are plain attributes. graphql-core resolves every field on its own: a resolve info, the permission
extension, a path, a completion -- most of the API's own CPU per request, several times the Cypher's. For an
object whose selected fields are all plain, permission-protected attributes (no resolver, no arguments, no
@defer), `PlainObjectExecutor` instead checks each (type, field) rule once per plan, tells the audit collector
which fields of which person were read (as `FieldAccess` would), and copies the values, completing each leaf with
its scalar's own coercion.

Anything else falls back to graphql-core for that object, which then produces the standard answer: a refused
field (FORBIDDEN error and audited denial), a null in a non-null field, a value a scalar refuses, `__typename`
on an abstract type, a list that is not a list. tests/test_fast_execution.py runs documents both ways and
compares data, errors and audit events.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, NamedTuple, Optional

from graphql import (FragmentSpreadNode, GraphQLLeafType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType,
                     GraphQLResolveInfo, Undefined)
from strawberry.schema.name_converter import NameConverter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.permissions import POLICY, SUBJECT_TYPES, rule_for


class _Fallback(Exception):
    """This object needs graphql-core's own completion (an error to report, or a shape the plan does not cover)."""


class _Field(NamedTuple):
    response_name: str
    attribute: Optional[str]  # None for __typename
    type: GraphQLOutputType
    details: Any  # graphql-core's FieldDetailsList for the field: its own sub-selection


class _Plan(NamedTuple):
    type_name: str
    fields: tuple[_Field, ...]
    read: frozenset[str]  # "Type.field" names the audit records
    subject_of: Optional[Callable[[Any], Optional[str]]]


def plain_fields(strawberry_schema: Any) -> dict[tuple[str, str], str]:
    """(GraphQL type, field) -> Python attribute, for every permission-protected field read straight from its
    object: no resolver, no arguments, not public. Only these may be completed by the plan."""
    names = NameConverter()
    plain: dict[tuple[str, str], str] = {}
    for type_name in POLICY:
        if type_name in ("Query", "Mutation"):
            continue
        definition = strawberry_schema.get_type_by_name(type_name)
        for f in getattr(definition, "fields", ()):
            field_name = names.from_field(f)
            if (f.base_resolver is None and not f.arguments and getattr(f, "_fc_protected", False)
                    and not rule_for(type_name, field_name).public):
                plain[(type_name, field_name)] = f.python_name
    return plain


SHARED_PLANS = 1024
_SHARED: "OrderedDict[tuple[Any, ...], tuple[Any, Optional[_Plan]]]" = OrderedDict()


_STATIC: dict[int, tuple[Any, bool]] = {}


def _static(node: Any, fragments: dict[str, Any]) -> bool:
    """No directive anywhere in the node's selection, fragments included (remembered per node: the parse cache
    hands out the same nodes request after request; the entry keeps its node alive so its id stays its own)."""
    known = _STATIC.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    static = _walk_static(node, fragments)
    if len(_STATIC) >= SHARED_PLANS * 8:
        _STATIC.clear()
    _STATIC[id(node)] = (node, static)
    return static


def _walk_static(node: Any, fragments: dict[str, Any]) -> bool:
    if getattr(node, "directives", None):
        return False
    selection_set = getattr(node, "selection_set", None)
    if selection_set is None:
        if isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            definition = getattr(fragment, "definition", fragment)
            return definition is not None and _static(definition, fragments)
        return True
    return all(_static(child, fragments) for child in selection_set.selections)


class PlainObjectExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, except that plain objects are completed by a plan: made once per selection and
    kept for later requests with the same document, roles and scopes (see `_shared_key`). `PLAIN` is set by
    `build_schema` (schema/__init__.py) from `plain_fields`."""

    PLAIN: dict[tuple[str, str], str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[str, int], Optional[_Plan]] = {}
        self._allowed: dict[tuple[str, str], bool] = {}
        self._kept: list[Any] = []

    def complete_object_value(self, return_type: GraphQLObjectType, field_details_list: Any,
                              info: GraphQLResolveInfo, path: Any, result: Any, position_context: Any) -> Any:
        plan = self._plan(return_type, field_details_list)
        if plan is not None:
            try:
                return self._complete_object(plan, result, info)
            except _Fallback:
                pass
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)

    def complete_list_value(self, return_type: GraphQLList, field_details_list: Any, info: GraphQLResolveInfo,
                            path: Any, result: Any, position_context: Any) -> Any:
        # A list of plain objects (twenty search hits, a network's nodes) is completed in one go: graphql-core's
        # per-item path and completion cost more than the items.
        item_type = return_type.of_type
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(inner, GraphQLObjectType) and isinstance(result, (list, tuple)) \
                and self._plan(inner, field_details_list) is not None:
            try:
                return [self._complete(item_type, field_details_list, item, info) for item in result]
            except _Fallback:
                pass
        return super().complete_list_value(return_type, field_details_list, info, path, result, position_context)

    # --- plans --------------------------------------------------------------------------------------------------

    def _plan(self, return_type: GraphQLObjectType, field_details_list: Any) -> Optional[_Plan]:
        key = (return_type.name, id(field_details_list))
        if key in self._plans:
            return self._plans[key]
        shared_key = self._shared_key(return_type, field_details_list)
        if shared_key is not None and shared_key in _SHARED:
            _SHARED.move_to_end(shared_key)
            plan = _SHARED[shared_key][1]
        else:
            plan = self._make_plan(return_type, field_details_list)
            if shared_key is not None:
                # The entry holds the selection's nodes, so their ids cannot be reused while it lives.
                _SHARED[shared_key] = (field_details_list, plan)
                if len(_SHARED) > SHARED_PLANS:
                    _SHARED.popitem(last=False)
        self._plans[key] = plan
        self._kept.append(field_details_list)  # alive, so that its id is not reused for another selection
        return plan

    def _shared_key(self, return_type: GraphQLObjectType, field_details_list: Any) -> Optional[tuple[Any, ...]]:
        """A key under which the plan can serve later requests: the same schema, the same parsed document (the
        parse cache hands out the same nodes for the same text), the same roles and scopes (they decide what is
        allowed), and no directive in the selection (@skip/@include depend on the variables)."""
        if not all(_static(d.node, self.fragments) for d in field_details_list):
            return None
        context = self.context_value
        principal = context.get("principal") if isinstance(context, dict) else None
        if principal is None:
            return None
        return (id(self.schema), return_type.name, tuple(id(d.node) for d in field_details_list), principal.roles,
                principal.scopes)

    def _make_plan(self, return_type: GraphQLObjectType, field_details_list: Any) -> Optional[_Plan]:
        if return_type.is_type_of is not None or any(d.defer_usage is not None for d in field_details_list):
            return None
        grouped, new_defer_usages, forbidden = self.collect_subfields(return_type, field_details_list)
        if new_defer_usages or forbidden:
            return None
        type_name = return_type.name
        fields, read = [], set()
        for response_name, details in grouped.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                fields.append(_Field(response_name, None, return_type, details))
                continue
            attribute = self.PLAIN.get((type_name, name))
            if (attribute is None or node.arguments or any(d.defer_usage is not None for d in details)
                    or not self._is_allowed(type_name, name)):
                return None
            fields.append(_Field(response_name, attribute, return_type.fields[name].type, details))
            read.add(f"{type_name}.{name}")
        return _Plan(type_name, tuple(fields), frozenset(read), SUBJECT_TYPES.get(type_name))

    def _is_allowed(self, type_name: str, field_name: str) -> bool:
        key = (type_name, field_name)
        allowed = self._allowed.get(key)
        if allowed is None:
            context = self.context_value
            principal = context.get("principal") if isinstance(context, dict) else None
            allowed = self._allowed[key] = rule_for(type_name, field_name).allows(principal)
        return allowed

    # --- completion ---------------------------------------------------------------------------------------------

    def _complete_object(self, plan: _Plan, source: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
        completed = {}
        for f in plan.fields:
            if f.attribute is None:
                completed[f.response_name] = plan.type_name
            else:
                completed[f.response_name] = self._complete(f.type, f.details, getattr(source, f.attribute), info)
        context = self.context_value
        audit = context.get("audit") if isinstance(context, dict) else None
        if audit is not None and plan.read:
            audit.fields_read(info, plan.type_name, plan.read,
                              plan.subject_of(source) if plan.subject_of is not None else None)
        return completed

    def _complete(self, gql_type: GraphQLOutputType, details: Any, value: Any, info: GraphQLResolveInfo) -> Any:
        if isinstance(gql_type, GraphQLNonNull):
            if value is None:
                raise _Fallback
            gql_type = gql_type.of_type
        if value is None:
            return None
        if isinstance(gql_type, GraphQLList):
            if not isinstance(value, (list, tuple)):
                raise _Fallback
            item_type = gql_type.of_type
            return [self._complete(item_type, details, item, info) for item in value]
        if isinstance(gql_type, GraphQLLeafType):
            try:
                coerced = gql_type.coerce_output_value(value)
            except Exception:  # noqa: BLE001 -- graphql-core reports it, located, on the fallback
                raise _Fallback from None
            if coerced is None or coerced is Undefined:
                raise _Fallback
            return coerced
        if isinstance(gql_type, GraphQLObjectType):
            plan = self._plan(gql_type, details)
            if plan is None:
                raise _Fallback
            return self._complete_object(plan, value, info)
        raise _Fallback  # interfaces and unions: graphql-core resolves the runtime type
