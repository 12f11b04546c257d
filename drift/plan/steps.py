"""The planner's records: one Step per Alembic operation, with what it risks.

A Step wraps one Alembic operation object (``alembic.operations.ops``) and its
inverse, and says what kind of change it is. The kind decides the order inside
a revision and the hazards; nothing looks at rendered text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from alembic.operations import ops


class StepKind(StrEnum):
    """Declared in the order the steps run inside one revision (see ordering.py)."""

    # drops of changed/unwanted keys and indexes first: they free names and columns
    DROP_FOREIGN_KEY = "drop_foreign_key"
    DROP_CONSTRAINT = "drop_constraint"
    DROP_INDEX = "drop_index"
    DROP_VIEW = "drop_view"
    RENAME = "rename"  # a constraint or index whose name alone differs
    CREATE_SCHEMA = "create_schema"
    CREATE_ENUM = "create_enum"
    ALTER_ENUM = "alter_enum"
    CREATE_DOMAIN = "create_domain"  # after enums: a domain may be over one
    ALTER_DOMAIN = "alter_domain"
    CREATE_SEQUENCE = "create_sequence"
    ALTER_SEQUENCE = "alter_sequence"
    CREATE_TABLE = "create_table"
    ADD_COLUMN = "add_column"
    ALTER_COLUMN_TYPE = "alter_column_type"
    ALTER_COLUMN_DEFAULT = "alter_column_default"
    ALTER_IDENTITY = "alter_identity"
    DROP_NOT_NULL = "drop_not_null"
    SET_NOT_NULL = "set_not_null"
    ALTER_COMMENT = "alter_comment"
    CREATE_PRIMARY_KEY = "create_primary_key"
    CREATE_UNIQUE = "create_unique"
    CREATE_CHECK = "create_check"
    CREATE_EXCLUSION = "create_exclusion"
    CREATE_INDEX = "create_index"
    CREATE_FOREIGN_KEY = "create_foreign_key"
    VALIDATE_CONSTRAINT = "validate_constraint"  # a NOT VALID check or foreign key
    CREATE_VIEW = "create_view"
    DROP_COLUMN = "drop_column"
    DROP_TABLE = "drop_table"
    DROP_SEQUENCE = "drop_sequence"
    DROP_DOMAIN = "drop_domain"  # after the columns of its type
    DROP_ENUM = "drop_enum"
    DROP_SCHEMA = "drop_schema"
    MANUAL = "manual"  # no automatic operation: a note for a person

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def is_drop(self) -> bool:
        return self.value.startswith("drop_") and self is not StepKind.DROP_NOT_NULL


_RANK = {kind: i for i, kind in enumerate(StepKind)}


class HazardKind(StrEnum):
    REWRITE = "rewrite"  # the table is rewritten under an ACCESS EXCLUSIVE lock
    LOCK = "lock"  # ACCESS EXCLUSIVE lock and a full scan
    INDEX_NOT_CONCURRENT = "index_not_concurrent"
    FOREIGN_KEY_VALIDATION = "foreign_key_validation"
    DATA_LOSS = "data_loss"
    NULLS_PRESENT = "nulls_present"  # SET NOT NULL on a column that holds NULLs: fails
    IRREVERSIBLE = "irreversible"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Hazard:
    kind: HazardKind
    message: str  # plain text; identifiers in it come from repr() so they stay on one line
    alternative: tuple[ops.MigrateOperation, ...] = ()  # a safer form, rendered as a comment
    alternative_note: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One operation of a revision, with the finding it came from."""

    kind: StepKind
    op: ops.MigrateOperation | None  # None for MANUAL
    reverse: ops.MigrateOperation | None  # None: cannot be undone
    schema: str
    table: str | None = None
    column: str | None = None
    finding_id: str | None = None  # Mismatch.id; None for steps of a whole-schema rebuild
    path: str = ""
    destructive: bool = False  # a drop of something the models do not declare
    disabled: bool = False  # rendered commented out (destructive without --allow-destructive)
    hazards: tuple[Hazard, ...] = ()
    note: str = ""
    # ordering of CREATE TABLE steps: tables this one refers to
    refers_to: tuple[tuple[str, str], ...] = ()
    # a CREATE FOREIGN KEY of a new table may be folded into its CREATE TABLE
    new_table_fk: bool = False
    # run outside the migration's transaction (ALTER TYPE ... ADD VALUE: a label added in a
    # transaction cannot be used before it commits)
    autocommit: bool = False
    # steps built twice from one object (two attributes of one index differ) run once
    key: tuple[str, ...] = ()
    record: Any = None  # the snapshot record the op was built from (CREATE TABLE, its FKs)
