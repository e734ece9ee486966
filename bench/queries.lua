-- wrk -s bench/queries.lua URL: each request a different hybrid search, round robin over 40 queries, so
-- no cache of one query's results or vector can carry the load. MODE=keyword|semantic|hybrid (default).
local queries = {
  "video reasoning", "graph neural network", "diffusion models for protein design", "large language model alignment",
  "retrieval augmented generation", "vision transformer", "reinforcement learning from human feedback",
  "speech recognition", "mixture of experts", "quantization of neural networks", "contrastive learning",
  "knowledge distillation", "neural radiance fields", "text to image generation", "federated learning privacy",
  "code generation benchmark", "multimodal large language models", "chain of thought reasoning",
  "object detection", "semantic segmentation", "time series forecasting", "molecular property prediction",
  "robot manipulation policy", "autonomous driving planning", "adversarial robustness", "in-context learning",
  "sparse attention long context", "protein structure prediction", "medical image segmentation",
  "recommender systems", "question answering", "machine translation low resource", "state space models",
  "hallucination detection", "agents tool use", "point cloud", "optical flow", "math word problems",
  "scientific discovery", "energy efficient inference",
}
local mode = os.getenv("MODE") or "hybrid"
local i = 0
request = function()
  i = i + 1
  local q = string.gsub(queries[(i % #queries) + 1], " ", "+")
  return wrk.format("GET", "/api/papers/search?mode=" .. mode .. "&q=" .. q)
end
