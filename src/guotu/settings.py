"""Settings, grouped by concern, read from ``GUOTU_*`` environment variables.

Settings are built at the edge (the CLI callback, ``create_app``) and passed down,
never at import time.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DocumentSettings", "GeneralSettings", "ScaleSettings"]


class GeneralSettings(BaseSettings):
    """Settings that apply everywhere."""

    model_config = SettingsConfigDict(env_prefix="GUOTU_", env_file=".env", extra="ignore")

    lang: str = Field(default="zh", description="Language of messages and reports: zh or en.")
    database_url: str = Field(
        default="sqlite:///guotu.db",
        description="Store location: sqlite:///path (embedded default) or postgresql://...",
    )


class DocumentSettings(BaseSettings):
    """Limits and helpers for reading plan documents."""

    model_config = SettingsConfigDict(env_prefix="GUOTU_DOCUMENT_", env_file=".env", extra="ignore")

    max_bytes: int = Field(default=100 * 1024 * 1024, description="Largest document accepted, in bytes.")
    pdf_max_pages: int = Field(default=500, description="Largest PDF accepted, in pages.")
    timeout_seconds: float = Field(
        default=60.0, description="Time limit for extracting text from a PDF or converting a .doc."
    )
    soffice: str | None = Field(
        default=None, description="Path of LibreOffice's soffice program (found on PATH when unset)."
    )


class ScaleSettings(BaseSettings):
    """The distributed engine (``guotu scale``): where the Dask scheduler is, or how to start a local one."""

    model_config = SettingsConfigDict(env_prefix="GUOTU_SCALE_", env_file=".env", extra="ignore")

    scheduler: str | None = Field(default=None, description="Dask scheduler address (tcp://host:8786); unset: local.")
    workers: int = Field(default=2, ge=1, description="Worker processes of a LocalCluster (when no scheduler is set).")
    memory_limit: str = Field(default="auto", description="Memory limit per local worker (4GiB); auto: RAM/workers.")
