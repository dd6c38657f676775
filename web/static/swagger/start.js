// Starts Swagger UI on the page /schema: the schema is read from the address the page gives.
"use strict";
(function () {
  var container = document.getElementById("swagger-container");
  window.ui = SwaggerUIBundle({
    url: container.dataset.schemaUrl,
    dom_id: "#swagger-container",
    validatorUrl: null, // No badge from validator.swagger.io: nothing leaves this site.
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
