"""The API documentation page at /schema: Swagger UI from the package's static files, started
by a static script, so that the page keeps to the Content-Security-Policy (no inline script
or style) and works without internet."""

from __future__ import annotations

import html
from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import SwaggerRenderPlugin


class StaticSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Litestar's Swagger UI page, its inline script and style moved to `start_js_url`
    (which reads the schema's address from the page) and `page_css_url`."""

    def __init__(
        self,
        *,
        start_js_url: str = "/static/swagger/start.js",
        page_css_url: str = "/static/swagger/page.css",
        **kwargs: Any,
    ) -> None:
        super().__init__(style="", **kwargs)
        self.start_js_url = start_js_url
        self.page_css_url = page_css_url

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        schema_url = html.escape(f"{request.app.openapi_config.path}/openapi.json")  # type: ignore[union-attr]
        page = (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title>{self.favicon}"
            f'<link href="{self.css_url}" rel="stylesheet">'
            f'<link href="{self.page_css_url}" rel="stylesheet">'
            f'<script src="{self.js_url}" defer></script>'
            f'<script src="{self.standalone_preset_js_url}" defer></script>'
            f'<script src="{self.start_js_url}" defer></script>'
            f'</head><body><div id="swagger-container" data-schema-url="{schema_url}"></div>'
            "</body></html>"
        )
        return page.encode()

    def receive_router(self, router: Router) -> None:
        """No OAuth2 redirect page: the API signs in with its own tokens, and that page is an
        inline script."""
        del router
