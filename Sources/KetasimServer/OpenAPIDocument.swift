/// The OpenAPI document served at `/openapi.json`, written by hand and
/// checked by the tests: every route the router serves is described, and
/// schemathesis (`.ci/serve`) fuzzes the server against it.
enum OpenAPIDocument {
  /// Every API path, as served.
  static let paths = [
    "/api/simulate", "/api/summary", "/api/sheet", "/api/plot", "/api/compare", "/api/population", "/api/tci",
    "/api/models",
  ]

  /// The document's JSON text.
  static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {
        "title": "ketasim serve",
        "version": "1",
        "description": "The JSON API behind the ketasim preview page. Population-model estimates for previewing and teaching; not a medical device. Numbers are the command line's: the same library computes them."
      },
      "paths": {
        "/api/simulate": {
          "post": {
            "summary": "The time course CSV, as `ketasim simulate` writes it.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Scenario"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "CSV: time_min, rate_mg_per_h, cp_ng_per_ml, ...",
                "content": {
                  "text/csv": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/summary": {
          "post": {
            "summary": "The read-out, the session sheet's sections, warnings and notes.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Scenario"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The read-out.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Summary"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/sheet": {
          "post": {
            "summary": "The session sheet, as `ketasim simulate --report-to`.",
            "parameters": [
              {
                "name": "format",
                "in": "query",
                "required": false,
                "schema": {
                  "type": "string",
                  "enum": [
                    "html",
                    "md",
                    "txt"
                  ],
                  "default": "html"
                }
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Scenario"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The sheet.",
                "content": {
                  "text/html": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "text/markdown": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "text/plain": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/plot": {
          "post": {
            "summary": "The picture: one profile as `simulate --plot`, several as `compare --plot`.",
            "parameters": [
              {
                "name": "format",
                "in": "query",
                "required": false,
                "schema": {
                  "type": "string",
                  "enum": [
                    "svg",
                    "png",
                    "pdf"
                  ],
                  "default": "svg"
                }
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Comparison"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The picture.",
                "content": {
                  "image/svg+xml": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "image/png": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "application/pdf": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/compare": {
          "post": {
            "summary": "One row per profile with every read-out metric, as `ketasim compare`; series=true: the long-format series.",
            "parameters": [
              {
                "name": "series",
                "in": "query",
                "required": false,
                "schema": {
                  "type": "string",
                  "enum": [
                    "true",
                    "false"
                  ],
                  "default": "false"
                }
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Comparison"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "CSV.",
                "content": {
                  "text/csv": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/population": {
          "post": {
            "summary": "Percentile bands (csv, or a picture) or the read-out (json), as `ketasim population`.",
            "parameters": [
              {
                "name": "format",
                "in": "query",
                "required": false,
                "schema": {
                  "type": "string",
                  "enum": [
                    "csv",
                    "json",
                    "svg",
                    "png",
                    "pdf"
                  ],
                  "default": "csv"
                }
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/Population"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Bands, read-out or picture.",
                "content": {
                  "text/csv": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "required": [
                        "readout",
                        "lines",
                        "disclaimer"
                      ]
                    }
                  },
                  "image/svg+xml": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "image/png": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "application/pdf": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/tci": {
          "post": {
            "summary": "The pump schedule (csv, or a picture) or its read-out (json), as `ketasim tci`.",
            "parameters": [
              {
                "name": "format",
                "in": "query",
                "required": false,
                "schema": {
                  "type": "string",
                  "enum": [
                    "csv",
                    "json",
                    "svg",
                    "png",
                    "pdf"
                  ],
                  "default": "csv"
                }
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/TCI"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Schedule, read-out or picture.",
                "content": {
                  "text/csv": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Summary"
                    }
                  },
                  "image/svg+xml": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "image/png": {
                    "schema": {
                      "type": "string"
                    }
                  },
                  "application/pdf": {
                    "schema": {
                      "type": "string"
                    }
                  }
                }
              },
              "413": {
                "$ref": "#/components/responses/TooLarge"
              },
              "422": {
                "$ref": "#/components/responses/BadInput"
              },
              "503": {
                "$ref": "#/components/responses/TooLong"
              }
            }
          }
        },
        "/api/models": {
          "get": {
            "summary": "The built-in models, regimens and effect endpoints.",
            "responses": {
              "200": {
                "description": "The catalogue.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "required": [
                        "models",
                        "regimens",
                        "effects",
                        "defaultModel",
                        "disclaimer"
                      ]
                    }
                  }
                }
              }
            }
          }
        }
      },
      "components": {
        "schemas": {
          "Scenario": {
            "type": "object",
            "additionalProperties": false,
            "description": "One scenario, by catalogue names only. Dose specs, changes, durations and thresholds are the command line's text.",
            "properties": {
              "model": {
                "type": "string",
                "description": "Catalogue model id (GET /api/models)."
              },
              "weightKilograms": {
                "type": "number",
                "description": "Body weight (kg)."
              },
              "ageYears": {
                "type": "number",
                "description": "Age (years)."
              },
              "drug": {
                "type": "string",
                "enum": [
                  "racemic",
                  "esketamine"
                ]
              },
              "doses": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Dose specs, such as '0.5 mg/kg over 40 min'."
              },
              "changes": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Rate changes, such as 'at 20 min to 0.3 mg/kg/h'."
              },
              "regimens": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Built-in regimen names."
              },
              "duration": {
                "type": "string",
                "description": "How long to simulate, such as '4 h'."
              },
              "step": {
                "type": "string",
                "description": "Output step, such as '1 min'."
              },
              "ke0PerMinute": {
                "type": "number",
                "description": "Effect-site rate constant (1/min)."
              },
              "thresholds": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "NAME=VALUE (ng/mL) or NAME=off."
              },
              "effects": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Effect endpoint ids."
              },
              "syringeMilligramsPerMilliliter": {
                "type": "number",
                "description": "Syringe strength (mg/mL)."
              },
              "label": {
                "type": "string",
                "description": "The profile's name in a comparison."
              }
            }
          },
          "Comparison": {
            "type": "object",
            "required": [
              "profiles"
            ],
            "additionalProperties": false,
            "properties": {
              "profiles": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Scenario"
                },
                "description": "1 to 4 profiles for one patient."
              },
              "logarithmic": {
                "type": "boolean"
              }
            }
          },
          "Population": {
            "type": "object",
            "required": [
              "scenario"
            ],
            "additionalProperties": false,
            "properties": {
              "scenario": {
                "$ref": "#/components/schemas/Scenario"
              },
              "subjects": {
                "type": "integer",
                "description": "1 to 2000 virtual subjects (default 500)."
              },
              "seed": {
                "type": "integer",
                "minimum": 0,
                "description": "Random seed (default 1)."
              },
              "iiv": {
                "type": "string",
                "description": "Between-subject variability NAME=OMEGA,... (default: the model's)."
              },
              "percentiles": {
                "type": "string",
                "description": "Band percentiles, such as '5,50,95'."
              }
            }
          },
          "TCI": {
            "type": "object",
            "required": [
              "scenario",
              "targets"
            ],
            "additionalProperties": false,
            "properties": {
              "scenario": {
                "$ref": "#/components/schemas/Scenario"
              },
              "targets": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "Target steps, such as '150 ng/mL for 2 h'."
              },
              "site": {
                "type": "string",
                "enum": [
                  "plasma",
                  "effect"
                ]
              },
              "period": {
                "type": "string",
                "description": "Pump update period, such as '10 s'."
              },
              "maximumRate": {
                "type": "string",
                "description": "Pump maximum, such as '500 mg/h'."
              }
            }
          },
          "Problem": {
            "type": "object",
            "required": [
              "error"
            ],
            "properties": {
              "error": {
                "type": "string",
                "description": "One line: the value, and what is accepted."
              }
            }
          },
          "Row": {
            "type": "object",
            "required": [
              "metric",
              "value",
              "unit"
            ],
            "properties": {
              "metric": {
                "type": "string"
              },
              "value": {
                "type": "string"
              },
              "unit": {
                "type": "string"
              }
            }
          },
          "Summary": {
            "type": "object",
            "required": [
              "model",
              "readout",
              "sheet",
              "warnings",
              "notes",
              "disclaimer"
            ],
            "properties": {
              "model": {
                "type": "object"
              },
              "readout": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Row"
                }
              },
              "sheet": {
                "type": "array",
                "items": {
                  "type": "object",
                  "properties": {
                    "heading": {
                      "type": "string"
                    },
                    "lines": {
                      "type": "array",
                      "items": {
                        "type": "string"
                      }
                    }
                  }
                }
              },
              "warnings": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "notes": {
                "type": "array",
                "items": {
                  "type": "string"
                }
              },
              "disclaimer": {
                "type": "string"
              }
            }
          }
        },
        "responses": {
          "TooLarge": {
            "description": "The body is larger than 64 KB.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "BadInput": {
            "description": "Bad input: the one line the command line prints for it.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "TooLong": {
            "description": "The request computed for longer than the server's limit (10 s); the resource limits keep accepted requests far below it.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    }
    """#
}
