"""A SOQL subset: parse a query, bind it to an object's fields, evaluate it over records.

Supported: ``SELECT f1, f2 | COUNT() FROM Object [WHERE ...] [ORDER BY f [ASC|DESC]
[NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]``; conditions with ``= != <> < <= > >=``,
``[NOT] IN (...)``, ``LIKE``, ``AND``/``OR``/``NOT`` and parentheses (mixing AND and OR
without parentheses is an error, as in SOQL); literals: strings with escapes, numbers,
``true``/``false``/``null``, dates (``2025-01-01``) and datetimes (``2025-01-01T00:00:00Z``,
``...T00:00:00.000+01:00``). Not supported: relationship paths (``Owner.Name``), aggregates
other than ``COUNT()``, date literals such as ``TODAY``, sub-queries, ``GROUP BY``.

Semantics follow SOQL: keywords, object and field names are case-insensitive; text
comparisons and ordering are case-insensitive; ``null`` is a value (``Field != 'x'`` matches
nulls); nulls sort first unless ``NULLS LAST``; datetimes compare as instants.

Errors carry the Salesforce ``errorCode`` and the message format of the REST API::

    \\nSELECT Id, Nope FROM Lead\\n           ^\\nERROR at Row:1:Column:12\\nNo such column ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

Record = Mapping[str, Any]
Predicate = Callable[[Record], bool]

MAX_OFFSET = 2000

TEXT_TYPES = frozenset({"string", "picklist", "multipicklist", "email", "phone", "url",
                        "textarea", "combobox", "encryptedstring", "time"})
ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})

_KEYWORDS = frozenset({"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER",
                       "BY", "ASC", "DESC", "NULLS", "FIRST", "LAST", "LIMIT", "OFFSET", "TRUE",
                       "FALSE", "NULL", "COUNT", "GROUP", "HAVING", "FOR", "WITH"})


class SoqlError(Exception):
    """A query Salesforce would reject; ``error_code`` is the REST ``errorCode``."""

    def __init__(self, error_code: str, message: str) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message


def _error(code: str, text: str, source: str, pos: int) -> SoqlError:
    """Salesforce's layout: the offending line, a caret under the column, Row/Column, text."""
    row = source.count("\n", 0, pos) + 1
    line_start = source.rfind("\n", 0, pos) + 1
    line_end = source.find("\n", pos)
    line = source[line_start: line_end if line_end >= 0 else len(source)]
    column = pos - line_start + 1
    return SoqlError(code, f"\n{line}\n{' ' * (column - 1)}^\n"
                           f"ERROR at Row:{row}:Column:{column}\n{text}")


# ---------------------------------------------------------------------------------------------
# Syntax tree

@dataclass(frozen=True)
class Literal:
    kind: str  # string | number | boolean | null | date | datetime
    value: Any  # datetimes are normalised to a UTC key string, see _datetime_key
    pos: int


@dataclass(frozen=True)
class Comparison:
    field: str
    op: str  # = != < <= > >= IN NOT IN LIKE
    value: Literal | tuple[Literal, ...]
    pos: int


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND | OR
    operands: tuple[Expr, ...]


Expr = Comparison | Not | BoolOp


@dataclass(frozen=True)
class OrderItem:
    field: str
    descending: bool
    nulls_last: bool
    pos: int


@dataclass(frozen=True)
class Query:
    text: str
    fields: tuple[tuple[str, int], ...]  # (name as written, position); empty for COUNT()
    count_only: bool
    sobject: str
    sobject_pos: int
    where: Expr | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int


# ---------------------------------------------------------------------------------------------
# Lexer

_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})(?![\w:])
  | (?P<number>[+-]?\d+(?:\.\d+)?)(?![\w.])
  | (?P<ident>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)
  | (?P<string>')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
""", re.VERBOSE)

# SOQL's escape sequences; \% and \_ stay escaped so LIKE can tell them from wildcards.
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'",
            "\\": "\\", "%": "\\%", "_": "\\_"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # ident keyword string number date datetime op punct eof
    text: str
    value: Any
    pos: int


def _lex(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN_RE.match(source, pos)
        if not m:
            raise _error("MALFORMED_QUERY", f"unexpected token: '{source[pos]}'", source, pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "string":
            value, end = _read_string(source, pos)
            tokens.append(_Tok("string", source[pos:end], value, pos))
            pos = end
            continue
        if kind == "ident" and text.upper() in _KEYWORDS:
            tokens.append(_Tok("keyword", text, text.upper(), pos))
        elif kind == "number":
            tokens.append(_Tok(kind, text, float(text) if "." in text else int(text), pos))
        elif kind != "ws":
            tokens.append(_Tok(kind, text, text, pos))
        pos = m.end()
    tokens.append(_Tok("eof", "<EOF>", None, len(source)))
    return tokens


def _read_string(source: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    pos = start + 1
    while pos < len(source):
        ch = source[pos]
        if ch == "'":
            return "".join(out), pos + 1
        if ch == "\\":
            nxt = source[pos + 1: pos + 2].lower()
            if nxt not in _ESCAPES:
                raise _error("MALFORMED_QUERY", "Invalid string literal", source, start)
            out.append(_ESCAPES[nxt])
            pos += 2
            continue
        out.append(ch)
        pos += 1
    raise _error("MALFORMED_QUERY", "unexpected token: <EOF>", source, len(source))


def _datetime_key(value: str) -> str:
    """A datetime as a sortable UTC key ``YYYY-MM-DDTHH:MM:SS.mmm``.

    Records carry ``2025-02-03T09:15:00.000+0000``; that common case is a slice.
    """
    if len(value) == 28 and value.endswith("+0000"):
        return value[:23]
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})",
                     value)
    if not m:
        raise ValueError(f"not a datetime: {value!r}")
    stamp = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    millis = int((m.group(2) or "0")[:3].ljust(3, "0"))
    zone = m.group(3)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        stamp = stamp.replace(tzinfo=timezone(sign * offset)).astimezone(UTC)
    return f"{stamp:%Y-%m-%dT%H:%M:%S}.{millis:03d}"


# ---------------------------------------------------------------------------------------------
# Parser

class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _lex(source)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.tokens[self.i]

    def _next(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def _unexpected(self, tok: _Tok | None = None) -> SoqlError:
        tok = tok or self.tok
        return _error("MALFORMED_QUERY", f"unexpected token: {tok.text}", self.source, tok.pos)

    def _is(self, *keywords: str) -> bool:
        return self.tok.kind == "keyword" and self.tok.value in keywords

    def _expect_keyword(self, keyword: str) -> _Tok:
        if not self._is(keyword):
            raise self._unexpected()
        return self._next()

    def _expect_punct(self, text: str) -> None:
        if self.tok.kind != "punct" or self.tok.text != text:
            raise self._unexpected()
        self._next()

    def _ident(self) -> _Tok:
        if self.tok.kind != "ident":
            raise self._unexpected()
        return self._next()

    def parse(self) -> Query:
        self._expect_keyword("SELECT")
        fields: list[tuple[str, int]] = []
        count_only = False
        if self._is("COUNT"):
            self._next()
            self._expect_punct("(")
            self._expect_punct(")")
            count_only = True
        else:
            while True:
                tok = self._ident()
                fields.append((tok.text, tok.pos))
                if not (self.tok.kind == "punct" and self.tok.text == ","):
                    break
                self._next()
        self._expect_keyword("FROM")
        sobject = self._ident()
        where = None
        if self._is("WHERE"):
            self._next()
            where = self._condition()
        order_by: list[OrderItem] = []
        if self._is("ORDER"):
            self._next()
            self._expect_keyword("BY")
            order_by.append(self._order_item())
            while self.tok.kind == "punct" and self.tok.text == ",":
                self._next()
                order_by.append(self._order_item())
        limit = None
        if self._is("LIMIT"):
            self._next()
            limit = self._non_negative_int()
        offset = 0
        if self._is("OFFSET"):
            self._next()
            offset_tok = self.tok
            offset = self._non_negative_int()
            if offset > MAX_OFFSET:
                raise _error("NUMBER_OUTSIDE_VALID_RANGE",
                             f"Maximum SOQL offset allowed is {MAX_OFFSET}", self.source,
                             offset_tok.pos)
        if self.tok.kind != "eof":
            raise self._unexpected()
        return Query(self.source, tuple(fields), count_only, sobject.text, sobject.pos, where,
                     tuple(order_by), limit, offset)

    def _non_negative_int(self) -> int:
        tok = self._next()
        if tok.kind != "number" or not isinstance(tok.value, int) or tok.value < 0:
            raise self._unexpected(tok)
        return tok.value

    def _order_item(self) -> OrderItem:
        field = self._ident()
        descending = False
        if self._is("ASC", "DESC"):
            descending = self._next().value == "DESC"
        nulls_last = False
        if self._is("NULLS"):
            self._next()
            if not self._is("FIRST", "LAST"):
                raise self._unexpected()
            nulls_last = self._next().value == "LAST"
        return OrderItem(field.text, descending, nulls_last, field.pos)

    def _condition(self) -> Expr:
        """Operands joined by one kind of operator; the other kind needs parentheses."""
        operands = [self._unary()]
        op = None
        while self._is("AND", "OR"):
            if op is not None and self.tok.value != op:
                raise self._unexpected()
            op = self._next().value
            operands.append(self._unary())
        return BoolOp(op, tuple(operands)) if op else operands[0]

    def _unary(self) -> Expr:
        if self._is("NOT"):
            self._next()
            return Not(self._unary())
        if self.tok.kind == "punct" and self.tok.text == "(":
            self._next()
            inner = self._condition()
            self._expect_punct(")")
            return inner
        return self._comparison()

    def _comparison(self) -> Comparison:
        field = self._ident()
        if self.tok.kind == "op":
            op = self._next().text
            return Comparison(field.text, "!=" if op == "<>" else op, self._literal(), field.pos)
        negated = False
        if self._is("NOT"):
            self._next()
            negated = True
            if not self._is("IN"):
                raise self._unexpected()
        if self._is("IN"):
            self._next()
            self._expect_punct("(")
            values = [self._literal()]
            while self.tok.kind == "punct" and self.tok.text == ",":
                self._next()
                values.append(self._literal())
            self._expect_punct(")")
            return Comparison(field.text, "NOT IN" if negated else "IN", tuple(values), field.pos)
        if self._is("LIKE"):
            self._next()
            if self.tok.kind != "string":
                raise self._unexpected()
            tok = self._next()
            return Comparison(field.text, "LIKE", Literal("string", tok.value, tok.pos),
                              field.pos)
        raise self._unexpected()

    def _literal(self) -> Literal:
        tok = self._next()
        if tok.kind in ("string", "number", "date"):
            return Literal(tok.kind, tok.value, tok.pos)
        if tok.kind == "datetime":
            return Literal("datetime", _datetime_key(tok.value), tok.pos)
        if tok.kind == "keyword" and tok.value in ("TRUE", "FALSE"):
            return Literal("boolean", tok.value == "TRUE", tok.pos)
        if tok.kind == "keyword" and tok.value == "NULL":
            return Literal("null", None, tok.pos)
        raise self._unexpected(tok)


def unknown_object_error(query: Query) -> SoqlError:
    """The ``INVALID_TYPE`` error for a FROM object the org does not have."""
    return _error("INVALID_TYPE",
                  f"sObject type '{query.sobject}' is not supported. If you are attempting to use "
                  "a custom object, be sure to append the '__c' after the entity name. Please "
                  "reference your WSDL or the describe call for the appropriate names.",
                  query.text, query.sobject_pos)


def parse(source: str) -> Query:
    """Parse SOQL text; raises ``SoqlError`` (``MALFORMED_QUERY``) on bad syntax."""
    return _Parser(source).parse()


# ---------------------------------------------------------------------------------------------
# Binding to fields and compiling to Python callables

@dataclass(frozen=True)
class FieldInfo:
    name: str  # canonical API name, as responses spell it
    type: str  # describe type: id, reference, string, boolean, datetime, date, double, ...
    filterable: bool = True  # describe's flags: e.g. long text and anyType fields are neither
    sortable: bool = True


Schema = Mapping[str, FieldInfo]  # keyed by lower-case field name


def sort_key(field_type: str) -> Callable[[Any], Any]:
    """Map a stored non-null value to the value SOQL compares and sorts by."""
    if field_type in TEXT_TYPES:
        return str.casefold
    if field_type == "datetime":
        return _datetime_key
    return _identity


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class OrderKey:
    field: str
    key: Callable[[Any], Any]
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Bounds:
    """A range on one field's sort key, from the top-level ``AND`` of a WHERE clause."""

    low: Any = None
    low_inclusive: bool = True
    high: Any = None
    high_inclusive: bool = True


@dataclass(frozen=True)
class Plan:
    """A query bound to an object: output fields, compiled filter and ordering."""

    sobject: str
    fields: tuple[str, ...]
    count_only: bool
    predicate: Predicate | None
    order: tuple[OrderKey, ...]
    limit: int | None
    offset: int
    _conjuncts: tuple[tuple[Comparison | None, Predicate], ...]  # top-level AND parts

    def split_range(self, field: str) -> tuple[Bounds | None, Predicate | None]:
        """Range conditions on ``field`` (for bisecting an index) and the predicate left over.

        Only top-level ``AND``-ed comparisons with a non-null literal count; any other part of
        the WHERE clause stays in the residual predicate.
        """
        bounds = Bounds()
        used = False
        rest: list[Predicate] = []
        for comparison, predicate in self._conjuncts:
            if (comparison is None or comparison.field != field
                    or comparison.op not in ("=", "<", "<=", ">", ">=")
                    or not isinstance(comparison.value, Literal)
                    or comparison.value.kind == "null"):
                rest.append(predicate)
                continue
            used = True
            assert isinstance(comparison, _TypedComparison)
            value = _literal_key(comparison.type, comparison.value)
            if comparison.op in ("=", ">", ">="):
                bounds = _tighten_low(bounds, value, comparison.op != ">")
            if comparison.op in ("=", "<", "<="):
                bounds = _tighten_high(bounds, value, comparison.op != "<")
        return (bounds if used else None), _all_of(rest)


def _tighten_low(b: Bounds, value: Any, inclusive: bool) -> Bounds:
    if b.low is None or value > b.low or (value == b.low and not inclusive):
        return Bounds(value, inclusive, b.high, b.high_inclusive)
    return b


def _tighten_high(b: Bounds, value: Any, inclusive: bool) -> Bounds:
    if b.high is None or value < b.high or (value == b.high and not inclusive):
        return Bounds(b.low, b.low_inclusive, value, inclusive)
    return b


def _all_of(predicates: Sequence[Predicate]) -> Predicate | None:
    if not predicates:
        return None
    if len(predicates) == 1:
        return predicates[0]
    parts = tuple(predicates)
    return lambda r: all(p(r) for p in parts)


_TYPE_NAMES = {"datetime": "dateTime", "date": "date", "boolean": "boolean", "double": "double",
               "currency": "double", "percent": "double", "int": "int", "long": "long"}
_LITERAL_FITS = {"datetime": {"datetime"}, "date": {"date"}, "boolean": {"boolean"}}


def bind(query: Query, sobject: str, schema: Schema) -> Plan:
    """Resolve field names against ``schema`` and compile the query.

    ``sobject`` is the object's canonical name. Raises ``SoqlError`` with ``INVALID_FIELD``
    for unknown fields or literals of the wrong type.
    """
    binder = _Binder(query, sobject, schema)
    fields = tuple(binder.field(name, pos).name for name, pos in query.fields)
    seen: set[str] = set()
    for (_, pos), name in zip(query.fields, fields, strict=True):
        if name in seen:
            raise _error("MALFORMED_QUERY", f"duplicate field selected: {name}", query.text, pos)
        seen.add(name)
    order = tuple(OrderKey(f.name, sort_key(f.type), item.descending, item.nulls_last)
                  for item in query.order_by
                  for f in [binder.field(item.field, item.pos, "sorted")])
    conjuncts: tuple[tuple[Comparison | None, Predicate], ...] = ()
    predicate = None
    if query.where is not None:
        where = binder.resolve(query.where)
        parts = where.operands if isinstance(where, BoolOp) and where.op == "AND" else (where,)
        conjuncts = tuple((p if isinstance(p, Comparison) else None, binder.compile(p))
                          for p in parts)
        predicate = _all_of([p for _, p in conjuncts])
    return Plan(sobject, fields, query.count_only, predicate, order, query.limit, query.offset,
                conjuncts)


class _Binder:
    def __init__(self, query: Query, sobject: str, schema: Schema) -> None:
        self.query = query
        self.sobject = sobject
        self.schema = schema

    def field(self, name: str, pos: int, use: str | None = None) -> FieldInfo:
        """The field called ``name``; ``use`` ("filtered", "sorted") checks describe's flags."""
        if "." in name:
            relationship = name.split(".", 1)[0]
            raise _error("INVALID_FIELD",
                         f"Didn't understand relationship '{relationship}' in field path. If you "
                         "are attempting to use a custom relationship, be sure to append the "
                         "'__r' after the custom relationship name. Please reference your WSDL "
                         "or the describe call for the appropriate names.", self.query.text, pos)
        info = self.schema.get(name.lower())
        if info is None:
            raise _error("INVALID_FIELD",
                         f"No such column '{name}' on entity '{self.sobject}'. If you are "
                         "attempting to use a custom field, be sure to append the '__c' after "
                         "the custom field name. Please reference your WSDL or the describe call "
                         "for the appropriate names.", self.query.text, pos)
        if (use == "filtered" and not info.filterable) or (use == "sorted" and not info.sortable):
            raise _error("INVALID_FIELD", f"field '{info.name}' can not be {use} in a query call",
                         self.query.text, pos)
        return info

    def resolve(self, expr: Expr) -> Expr:
        """Canonical field names and type-checked literals (keys ready for comparing)."""
        if isinstance(expr, BoolOp):
            return BoolOp(expr.op, tuple(self.resolve(e) for e in expr.operands))
        if isinstance(expr, Not):
            return Not(self.resolve(expr.operand))
        info = self.field(expr.field, expr.pos, "filtered")
        values = expr.value if isinstance(expr.value, tuple) else (expr.value,)
        checked = tuple(self._check(info, v) for v in values)
        value = checked if isinstance(expr.value, tuple) else checked[0]
        return _TypedComparison(info.name, expr.op, value, expr.pos, info.type)

    def _check(self, info: FieldInfo, literal: Literal) -> Literal:
        if literal.kind == "null":
            return literal
        fits = _LITERAL_FITS.get(info.type)
        if fits is None:
            fits = {"number"} if info.type in NUMBER_TYPES else {"string"}
        if literal.kind not in fits:
            type_name = _TYPE_NAMES.get(info.type, "string")
            quoted = "be" if type_name == "string" else "not be"
            raise _error("INVALID_FIELD",
                         f"value of filter criterion for field '{info.name}' must be of type "
                         f"{type_name} and should {quoted} enclosed in quotes",
                         self.query.text, literal.pos)
        return literal

    def compile(self, expr: Expr) -> Predicate:
        if isinstance(expr, BoolOp):
            parts = tuple(self.compile(e) for e in expr.operands)
            if expr.op == "AND":
                return lambda r: all(p(r) for p in parts)
            return lambda r: any(p(r) for p in parts)
        if isinstance(expr, Not):
            inner = self.compile(expr.operand)
            return lambda r: not inner(r)
        assert isinstance(expr, _TypedComparison)
        return _compile_comparison(expr)


@dataclass(frozen=True)
class _TypedComparison(Comparison):
    type: str = "string"


def _literal_key(field_type: str, literal: Literal) -> Any:
    # Datetime literals are already keys; text compares case-insensitively.
    return literal.value.casefold() if field_type in TEXT_TYPES else literal.value


def _compile_comparison(c: _TypedComparison) -> Predicate:
    name, op = c.field, c.op
    key = sort_key(c.type)
    if op in ("IN", "NOT IN"):
        assert isinstance(c.value, tuple)
        wants_null = any(v.kind == "null" for v in c.value)
        keys = frozenset(_literal_key(c.type, v) for v in c.value if v.kind != "null")

        def member(r: Record) -> bool:
            v = r.get(name)
            return wants_null if v is None else key(v) in keys

        return member if op == "IN" else (lambda r: not member(r))
    assert isinstance(c.value, Literal)
    if c.value.kind == "null":
        if op == "=":
            return lambda r: r.get(name) is None
        if op == "!=":
            return lambda r: r.get(name) is not None
        return lambda r: False  # ordering against null matches nothing
    target = _literal_key(c.type, c.value)
    if op == "LIKE":
        pattern = _like_regex(c.value.value)
        return lambda r: (v := r.get(name)) is not None and pattern.fullmatch(v) is not None
    if op == "=":
        return lambda r: (v := r.get(name)) is not None and key(v) == target
    if op == "!=":
        return lambda r: (v := r.get(name)) is None or key(v) != target
    compare = {"<": _lt, "<=": _le, ">": _gt, ">=": _ge}[op]
    return lambda r: (v := r.get(name)) is not None and compare(key(v), target)


def _lt(a: Any, b: Any) -> bool:
    return a < b


def _le(a: Any, b: Any) -> bool:
    return a <= b


def _gt(a: Any, b: Any) -> bool:
    return a > b


def _ge(a: Any, b: Any) -> bool:
    return a >= b


def _like_regex(pattern: str) -> re.Pattern[str]:
    """``%`` and ``_`` are wildcards; ``\\%`` and ``\\_`` (kept escaped by the lexer) are not."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and pattern[i + 1: i + 2] in ("%", "_"):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def order_rows(rows: Sequence[Record], order: Sequence[OrderKey]) -> list[Record]:
    """Sort by several keys, each ASC/DESC with its nulls first or last (stable passes)."""
    out = list(rows)
    for item in reversed(order):
        # Under reverse=True the null rank flips too, so pick it to land nulls as asked.
        null_rank = 1 if item.nulls_last != item.descending else 0
        name, key = item.field, item.key

        def sort_value(r: Record, name: str = name, key: Callable[[Any], Any] = key,
                       null_rank: int = null_rank) -> tuple[int, Any]:
            v = r.get(name)
            return (null_rank, None) if v is None else (1 - null_rank, key(v))

        out.sort(key=sort_value, reverse=item.descending)
    return out
