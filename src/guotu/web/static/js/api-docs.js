// Swagger UI on the vendored bundle; state-changing calls send the CSRF token of the page's session.
window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  requestInterceptor: async (req) => {
    if (req.method && req.method.toUpperCase() !== "GET") {
      const me = await fetch("/api/me", { credentials: "same-origin" }).then((r) => r.json());
      req.headers["X-CSRF-Token"] = me.csrf_token;
    }
    return req;
  },
});
