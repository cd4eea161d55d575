"""Settings of the web app (``GUOTU_WEB_*``), built at the edge and passed to :func:`create_app`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["WebSettings"]


class WebSettings(BaseSettings):
    """What the server needs: the store, cookie security, account rules and limits."""

    model_config = SettingsConfigDict(env_prefix="GUOTU_WEB_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None, description="Store URL; None uses GUOTU_DATABASE_URL (default sqlite:///guotu.db)."
    )
    secure_cookies: bool = Field(
        default=True, description="Mark cookies Secure (HTTPS only). Turn off only for plain-http localhost."
    )
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60, description="Idle timeout of a session.")
    session_absolute_hours: int = Field(default=12, ge=1, le=72, description="Longest life of a session.")
    lockout_failures: int = Field(default=5, ge=1, le=100, description="Failed logins in a row that lock an account.")
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60, description="How long a locked account stays locked.")
    password_min_length: int = Field(default=10, ge=8, le=128, description="Shortest password accepted.")
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, ge=1024, description="Largest upload accepted.")
    max_page_size: int = Field(default=1000, ge=10, le=100_000, description="Largest OGC items page.")
    tile_cache_entries: int = Field(default=4096, ge=0, description="Vector tiles kept in memory (0: no cache).")
    upload_dir: str | None = Field(
        default=None, description="Where uploads are kept while processed (default: a temp dir next to the store)."
    )
    tianditu_key: str | None = Field(default=None, description="天地图 key for an optional basemap (none: no basemap).")
    max_concurrency: int = Field(default=64, ge=1, le=10_000, description="In-flight requests per worker; then 503.")
