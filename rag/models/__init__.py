"""Language models: the chat-model factory (``llm``), llama.cpp in process (``llamacpp``) and the bundled
GGUF models (``local_models``)."""
