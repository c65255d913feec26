namespace Bulwark.Tests.Infra.Probe;

/// <summary>
/// Test servers that answer as the real products do (status, headers, JSON bodies as documented or observed),
/// open or with their authentication switched on. Each starts on 127.0.0.1 and an ephemeral port.
/// </summary>
internal static class FakeAiServices
{
    private static Dictionary<string, string> Header(string name, string value) => new() { [name] = value };

    // Go's net/http answers unknown paths with this text.
    private static readonly FakeResponse GoNotFound = FakeResponse.Text("404 page not found", 404);

    public static FakeHttpServer Ollama() => new FakeHttpServer { NotFound = GoNotFound }
        .Get("/", FakeResponse.Text("Ollama is running"))
        .Get("/api/version", FakeResponse.Json("""{"version":"0.5.7"}"""))
        .Get("/api/tags", FakeResponse.Json("""
            {"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","modified_at":"2025-01-10T11:03:21.631862538Z",
            "size":2019393189,"digest":"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            "details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],"parameter_size":"3.2B","quantization_level":"Q4_K_M"}}]}
            """))
        .Get("/v1/models", FakeResponse.Json("""{"object":"list","data":[{"id":"llama3.2:latest","object":"model","created":1736507001,"owned_by":"library"}]}"""));

    public static FakeHttpServer Vllm(bool apiKey)
    {
        var server = new FakeHttpServer("uvicorn")
            .Get("/version", FakeResponse.Json("""{"version":"0.6.6.post1"}"""))
            .Get("/health", FakeResponse.Text(""))
            .Get("/metrics", FakeResponse.Text("""
                # HELP vllm:num_requests_running Number of requests currently running on GPU.
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{model_name="Qwen/Qwen2.5-1.5B-Instruct"} 0.0
                """));
        return apiKey
            ? server.Get("/v1/models", FakeResponse.Json("""{"error":"Unauthorized"}""", 401))
            : server.Get("/v1/models", FakeResponse.Json("""
                {"object":"list","data":[{"id":"Qwen/Qwen2.5-1.5B-Instruct","object":"model","created":1736507001,"owned_by":"vllm",
                "root":"Qwen/Qwen2.5-1.5B-Instruct","parent":null,"max_model_len":32768,"permission":[{"id":"modelperm-6b1c","object":"model_permission",
                "created":1736507001,"allow_create_engine":false,"allow_sampling":true,"allow_logprobs":true,"allow_search_indices":false,
                "allow_view":true,"allow_fine_tuning":false,"organization":"*","group":null,"is_blocking":false}]}]}
                """));
    }

    public static FakeHttpServer LlamaCpp(bool apiKey)
    {
        var server = new FakeHttpServer { NotFound = FakeResponse.Json("""{"error":{"code":404,"message":"File Not Found","type":"not_found_error"}}""", 404) }
            .Get("/health", FakeResponse.Json("""{"status":"ok"}"""))
            .Get("/v1/models", FakeResponse.Json("""
                {"object":"list","data":[{"id":"qwen2.5-0.5b-instruct-q4_k_m.gguf","object":"model","created":1736507001,"owned_by":"llamacpp",
                "meta":{"vocab_type":2,"n_vocab":151936,"n_ctx_train":32768,"n_embd":896,"n_params":630167424,"size":491400064}}]}
                """));
        return apiKey
            ? server.Get("/props", FakeResponse.Json("""{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}""", 401))
            : server.Get("/props", FakeResponse.Json("""
                {"default_generation_settings":{"n_ctx":4096,"n_predict":-1,"model":"qwen2.5-0.5b-instruct-q4_k_m.gguf","temperature":0.8},
                "total_slots":1,"model_path":"/models/qwen2.5-0.5b-instruct-q4_k_m.gguf","chat_template":"{% for message in messages %}…","build_info":"b4514-6171c9d2"}
                """));
    }

    public static FakeHttpServer LocalAi(bool apiKey)
    {
        var server = new FakeHttpServer();
        if (apiKey)
        {
            var refusal = FakeResponse.Json("""{"error":{"code":401,"message":"An authentication key is required","type":"invalid_request_error"}}""", 401, Header("WWW-Authenticate", "Bearer"));
            return server.Get("/", FakeResponse.Html("<html><head><title>LocalAI - Login</title></head><body>…</body></html>", 401)).Get("/v1/models", refusal).Get("/version", refusal);
        }
        return server
            .Get("/", FakeResponse.Html("<!DOCTYPE html><html lang=\"en\"><head><title>LocalAI API - v2.24.2 (4cbc0ab4)</title></head><body>…</body></html>"))
            .Get("/version", FakeResponse.Json("""{"version":"v2.24.2 (4cbc0ab4ea5e8bd2f61ba16f54e30f6b32f4d398)"}"""))
            .Get("/v1/models", FakeResponse.Json("""{"object":"list","data":[{"id":"gpt-4","object":"model"},{"id":"text-embedding-ada-002","object":"model"}]}"""));
    }

    public static FakeHttpServer Tgi() => new FakeHttpServer { NotFound = FakeResponse.Text("", 404) }
        .Get("/info", FakeResponse.Json("""
            {"model_id":"HuggingFaceH4/zephyr-7b-beta","model_sha":"b70e0c9a2d9e14bd1e812d3c398e5f313e93b473","model_pipeline_tag":"text-generation",
            "max_concurrent_requests":128,"max_best_of":2,"max_stop_sequences":4,"max_input_tokens":4095,"max_total_tokens":4096,
            "validation_workers":2,"max_client_batch_size":4,"router":"text-generation-router","version":"3.0.1","sha":"bb9095aae339579fbf3b4e7a8ec1e2a0ea9cf3d8","docker_label":"sha-bb9095a"}
            """))
        .Post("/tokenize", FakeResponse.Json("""[{"id":22557,"text":"hello","start":0,"stop":5},{"id":1526,"text":" world","start":5,"stop":11}]"""));

    public static FakeHttpServer Ray() => new FakeHttpServer("Python/3.11 aiohttp/3.10.11") { NotFound = FakeResponse.Text("404: Not Found", 404) }
        .Get("/api/version", FakeResponse.Json("""{"version":"4","ray_version":"2.40.0","ray_commit":"22541c38dbef25286bd6019ed8ee8fd5bd3b0451","session_name":"session_2025-01-10_09-14-02_183264_1"}"""))
        .Get("/api/jobs/", FakeResponse.Json("""[{"type":"SUBMISSION","job_id":"02000000","submission_id":"raysubmit_uTJqy1ysMNBrhVmt","status":"SUCCEEDED","entrypoint":"python train.py"}]"""));

    public static FakeHttpServer Mlflow(bool auth)
    {
        const string search = "/api/2.0/mlflow/experiments/search?max_results=1";
        var server = new FakeHttpServer("gunicorn") { NotFound = FakeResponse.Html("<!doctype html><title>404 Not Found</title><h1>Not Found</h1>", 404) };
        if (auth)
        {
            var refusal = new FakeResponse(401, "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.",
                "text/html; charset=utf-8", Header("WWW-Authenticate", "Basic realm=\"mlflow\""));
            return server.Get(search, refusal).Get("/version", refusal);
        }
        return server
            .Get("/version", FakeResponse.Text("2.19.0"))
            .Get(search, FakeResponse.Json("""
                {"experiments":[{"experiment_id":"0","name":"Default","artifact_location":"mlflow-artifacts:/0","lifecycle_stage":"active",
                "last_update_time":1736507001000,"creation_time":1736507001000}],"next_page_token":"eyJvZmZzZXQiOiAxfQ=="}
                """));
    }

    public static FakeHttpServer Jupyter(bool token) => new FakeHttpServer("TornadoServer/6.4.2") { NotFound = FakeResponse.Html("<html><title>404 : Not Found</title></html>", 404) }
        .Get("/api", FakeResponse.Json("""{"version": "2.15.0"}"""))
        .Get("/api/kernels", token
            ? FakeResponse.Json("""{"message": "Forbidden", "reason": null}""", 403)
            : FakeResponse.Json("""[{"id":"8bf6c3d6-1f6c-4b7e-9f6c-0d5c7c0e2a11","name":"python3","last_activity":"2025-01-10T09:14:02.183264Z","execution_state":"idle","connections":1}]"""));

    public static FakeHttpServer Gradio(bool auth)
    {
        var server = new FakeHttpServer("uvicorn");
        if (auth)
        {
            return server
                .Get("/config", FakeResponse.Json("""{"detail":"Not authenticated"}""", 401))
                .Get("/", FakeResponse.Html("""<!doctype html><html><head><script>window.gradio_config = {"auth_required":true,"auth_message":null,"space_id":null,"root":""};</script></head><body><gradio-app></gradio-app></body></html>"""));
        }
        return server.Get("/config", FakeResponse.Json("""
            {"version":"4.44.1","mode":"interface","app_id":1291716358741339171,"dev_mode":false,"analytics_enabled":true,
            "components":[{"id":1,"type":"textbox","props":{"label":"prompt","show_label":true}},{"id":2,"type":"textbox","props":{"label":"output"}}],
            "css":null,"js":null,"head":null,"title":"Gradio","is_space":false,"enable_queue":true,"show_error":false,"show_api":true,"is_colab":false,
            "stylesheets":[],"theme":"default","protocol":"sse_v3","body_css":{},"fill_height":false,"fill_width":false,"theme_hash":"f6b9c1",
            "layout":{"id":0,"children":[{"id":1},{"id":2}]},"dependencies":[],"root":"http://127.0.0.1:7860","username":null}
            """));
    }

    public static FakeHttpServer ComfyUi() => new FakeHttpServer("Python/3.12 aiohttp/3.11.11") { NotFound = FakeResponse.Text("404: Not Found", 404) }
        .Get("/system_stats", FakeResponse.Json("""
            {"system":{"os":"posix","ram_total":67330498560,"ram_free":61005463552,"comfyui_version":"0.3.10",
            "python_version":"3.12.3 (main, Nov  6 2024, 18:32:19) [GCC 13.2.0]","pytorch_version":"2.5.1+cu124","embedded_python":false,"argv":["main.py","--listen"]},
            "devices":[{"name":"cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync","type":"cuda","index":0,"vram_total":25393692672,"vram_free":24843583488,
            "torch_vram_total":0,"torch_vram_free":0}]}
            """))
        .Get("/queue", FakeResponse.Json("""{"queue_running": [], "queue_pending": []}"""));

    public static FakeHttpServer Langflow(bool autoLogin) => new FakeHttpServer("uvicorn")
        .Get("/api/v1/version", FakeResponse.Json("""{"version":"1.1.1","main_version":"1.1.1","package":"Langflow"}"""))
        .Get("/api/v1/auto_login", autoLogin
            ? FakeResponse.Json("""{"access_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJsYW5nZmxvdyJ9.c2lnbmF0dXJl","refresh_token":null,"token_type":"bearer"}""")
            : FakeResponse.Json("""{"detail":{"message":"Auto login is disabled. Please enable it in the settings","auto_login":false}}""", 400));

    public static FakeHttpServer Flowise(bool auth) => new FakeHttpServer { NotFound = FakeResponse.Html("<!doctype html><html><head><title>Flowise - Build AI Agents, Visually</title></head><body><div id=\"root\"></div></body></html>") }
        .Get("/api/v1/ping", FakeResponse.Html("pong"))
        .Get("/api/v1/version", FakeResponse.Json("""{"version":"2.2.3"}"""))
        .Get("/api/v1/chatflows", auth ? FakeResponse.Json("""{"error":"Unauthorized Access"}""", 401) : FakeResponse.Json("[]"));

    /// <summary>Open WebUI's single-page app answers every unknown path with its page, status 200.</summary>
    public static FakeHttpServer OpenWebUi(bool auth) => new FakeHttpServer("uvicorn") { NotFound = FakeResponse.Html("<!doctype html><html lang=\"en\"><head><title>Open WebUI</title></head><body><div id=\"app\"></div></body></html>") }
        .Get("/api/version", FakeResponse.Json("""{"version":"0.5.4"}"""))
        .Get("/api/config", FakeResponse.Json($$$"""
            {"status":true,"name":"Open WebUI","version":"0.5.4","default_locale":"","oauth":{"providers":{}},
            "features":{"auth":{{{(auth ? "true" : "false")}}},"auth_trusted_header":false,"enable_ldap":false,"enable_api_key":true,"enable_signup":true,"enable_login_form":true,"enable_websocket":true}}
            """));

    public static FakeHttpServer Triton() => new FakeHttpServer { NotFound = FakeResponse.Json("""{"error":"Not Found"}""", 400) }
        .Get("/v2", FakeResponse.Json("""
            {"name":"triton","version":"2.53.0","extensions":["classification","sequence","model_repository","model_repository(unload_dependents)",
            "schedule_policy","model_configuration","system_shared_memory","cuda_shared_memory","binary_tensor_data","parameters","statistics","trace","logging"]}
            """))
        .Post("/v2/repository/index", FakeResponse.Json("""[{"name":"densenet_onnx","version":"1","state":"READY"}]"""));

    /// <summary>The management port (8081); with token authorization every API refuses with 400.</summary>
    public static FakeHttpServer TorchServe(bool token)
    {
        var refusal = FakeResponse.Json("""{"code": 400, "type": "InvalidKeyException", "message": "Token Authorization failed. Token either incorrect, expired, or not provided correctly"}""", 400);
        var server = new FakeHttpServer { NotFound = FakeResponse.Json("""{"code": 404, "type": "ResourceNotFoundException", "message": "Requested resource is not found, please refer to API document."}""", 404) };
        return token
            ? server.Get("/models", refusal).Get("/api-description", refusal)
            : server
                .Get("/api-description", FakeResponse.Json("""{"openapi":"3.0.1","info":{"title":"TorchServe APIs","description":"TorchServe is a flexible and easy to use tool for serving deep learning models","version":"0.12.0"},"paths":{}}"""))
                .Get("/models", FakeResponse.Json("""{"models": [{"modelName": "squeezenet1_1", "modelUrl": "squeezenet1_1.mar"}]}"""));
    }

    /// <summary>Kubeflow Pipelines behind oauth2-proxy: the API redirects anonymous callers to the login flow.</summary>
    public static FakeHttpServer Kubeflow() => new FakeHttpServer()
        .Get("/apis/v1beta1/healthz", FakeResponse.Json("""{"commit_sha":"5bc9f5ad8e7c1d0e4f6b3a2c9d8e7f6a5b4c3d2e","tag_name":"2.3.0","multi_user":true,"pipeline_store_driver":"mysql"}"""))
        .Get("/apis/v1beta1/pipelines", new FakeResponse(302, "", "text/html", Header("Location", "/oauth2/start?rd=%2Fapis%2Fv1beta1%2Fpipelines")))
        .Get("/apis/v2beta1/pipelines", new FakeResponse(302, "", "text/html", Header("Location", "/oauth2/start?rd=%2Fapis%2Fv2beta1%2Fpipelines")));

    public static FakeHttpServer Qdrant(bool apiKey)
    {
        var server = new FakeHttpServer().Get("/healthz", FakeResponse.Text("healthz check passed"));
        if (apiKey)
        {
            var refusal = FakeResponse.Text("Must provide an API key or an Authorization bearer token", 401);
            return server.Get("/", refusal).Get("/collections", refusal);
        }
        return server
            .Get("/", FakeResponse.Json("""{"title":"qdrant - vector search engine","version":"1.12.5","commit":"27260abd5e3e7a3b9b0a4c2b7d0f3a6d6e3c9f21"}"""))
            .Get("/collections", FakeResponse.Json("""{"result":{"collections":[{"name":"support_docs"}]},"status":"ok","time":0.000012}"""));
    }

    public static FakeHttpServer Milvus() => new FakeHttpServer { NotFound = FakeResponse.Text("404 page not found", 404) }
        .Post("/v2/vectordb/collections/list", FakeResponse.Json("""{"code":0,"data":["rag_chunks"]}"""));

    public static FakeHttpServer Chroma() => new FakeHttpServer("uvicorn")
        .Get("/api/v2/heartbeat", FakeResponse.Json("""{"nanosecond heartbeat":1736507001123456789}"""))
        .Get("/api/v2/version", FakeResponse.Json("\"1.0.0\""))
        .Get("/api/v2/tenants/default_tenant/databases/default_database/collections", FakeResponse.Json("""[{"id":"7c1c5f2e-0b8e-4bb8-9d7a-3b9e1f4d2c6a","name":"docs","configuration_json":{},"metadata":null,"dimension":384,"tenant":"default_tenant","database":"default_database"}]"""));

    public static FakeHttpServer Weaviate(bool apiKey)
    {
        var server = new FakeHttpServer { NotFound = FakeResponse.Json("""{"code":404,"message":"path /x was not found"}""", 404) };
        if (apiKey)
        {
            var refusal = FakeResponse.Json("""{"code":401,"message":"anonymous access not enabled, please provide an auth scheme such as OIDC"}""", 401);
            return server.Get("/v1/meta", refusal).Get("/v1/schema", refusal);
        }
        return server
            .Get("/v1/meta", FakeResponse.Json("""{"hostname":"http://[::]:8080","modules":{"text2vec-openai":{"documentationHref":"https://platform.openai.com/docs/guides/embeddings/what-are-embeddings","name":"OpenAI Module"}},"version":"1.28.2"}"""))
            .Get("/v1/schema", FakeResponse.Json("""{"classes":[]}"""));
    }

    public static FakeHttpServer Elasticsearch(bool security)
    {
        var product = new Dictionary<string, string> { ["X-elastic-product"] = "Elasticsearch" };
        var server = new FakeHttpServer();
        if (security)
        {
            var refusal = FakeResponse.Json("""
                {"error":{"root_cause":[{"type":"security_exception","reason":"missing authentication credentials for REST request [/]",
                "header":{"WWW-Authenticate":["Basic realm=\"security\", charset=\"UTF-8\"","ApiKey"]}}],"type":"security_exception",
                "reason":"missing authentication credentials for REST request [/]","header":{"WWW-Authenticate":["Basic realm=\"security\", charset=\"UTF-8\"","ApiKey"]}},"status":401}
                """, 401, new Dictionary<string, string> { ["X-elastic-product"] = "Elasticsearch", ["WWW-Authenticate"] = "Basic realm=\"security\", charset=\"UTF-8\"" });
            server.NotFound = refusal;
            return server.Get("/", refusal);
        }
        return server
            .Get("/", FakeResponse.Json("""
                {"name":"es01","cluster_name":"docker-cluster","cluster_uuid":"yOg2bqnRQeiy7kJ2EX7Ijw","version":{"number":"8.17.0","build_flavor":"default",
                "build_type":"docker","build_hash":"2b6a7fed44faa321997703718f07ee0420804b41","build_date":"2024-12-11T12:08:05.663969764Z","build_snapshot":false,
                "lucene_version":"9.12.0","minimum_wire_compatibility_version":"7.17.0","minimum_index_compatibility_version":"7.0.0"},"tagline":"You Know, for Search"}
                """, headers: product))
            .Get("/_cat/indices?format=json", FakeResponse.Json("""[{"health":"yellow","status":"open","index":"rag-chunks","uuid":"kG1d7dN9Q6m9Xl1uC3kE2A","pri":"1","rep":"1","docs.count":"1200","docs.deleted":"0","store.size":"9.1mb","pri.store.size":"9.1mb"}]""", headers: product));
    }

    public static FakeHttpServer OpenSearch() => new FakeHttpServer()
        .Get("/", FakeResponse.Json("""
            {"name":"opensearch-node1","cluster_name":"opensearch-cluster","cluster_uuid":"Vb4Lt2wBQ8yJ2n0mJtjQ4g","version":{"distribution":"opensearch",
            "number":"2.18.0","build_type":"tar","build_hash":"99a9a81da366173b0c2b963b26ea92e15ef34547","build_date":"2024-10-31T19:08:04.231254959Z",
            "build_snapshot":false,"lucene_version":"9.12.0","minimum_wire_compatibility_version":"7.10.0","minimum_index_compatibility_version":"7.0.0"},
            "tagline":"The OpenSearch Project: https://opensearch.org/"}
            """))
        .Get("/_cat/indices?format=json", FakeResponse.Json("[]"));

    /// <summary>A LiteLLM-style proxy with a master key: OpenAI's error envelope on /v1/models.</summary>
    public static FakeHttpServer OpenAiCompatible(bool apiKey) => new FakeHttpServer("uvicorn")
        .Get("/v1/models", apiKey
            ? FakeResponse.Json("""{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}""", 401)
            : FakeResponse.Json("""{"data":[{"id":"qwen2.5-7b-instruct","object":"model","owned_by":"organization_owner"}],"object":"list"}"""));

    /// <summary>Not an AI service: nginx's welcome page.</summary>
    public static FakeHttpServer Nginx() => new FakeHttpServer("nginx/1.27.3") { NotFound = FakeResponse.Html("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx/1.27.3</center></body></html>", 404) }
        .Get("/", FakeResponse.Html("<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>"));
}
