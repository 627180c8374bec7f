// Ahead-of-time compilation: layer syntax, the built-in suite, request checks, and a real run that
// compiles the kernels of one layer and finds them cached the second time. No GPU needed.
#include "fp8gemm/fp8gemm.hpp"
#include "jit/ahead_of_time.hpp"
#include "jit/cache.hpp"
#include "jit_sandbox.hpp"

namespace fp8gemm::testing {
namespace {

using heuristics::Layout;

TEST(LayerSyntax, ParsesTheThreeLayouts) {
  LayerSpec n = parse_layer("normal:2112:7168");
  EXPECT_EQ(n.layout, Layout::normal);
  EXPECT_EQ(n.n, 2112);
  EXPECT_EQ(n.k, 7168);
  EXPECT_EQ(n.groups, 1);
  LayerSpec c = parse_layer("contiguous:4096:7168:8");
  EXPECT_EQ(c.layout, Layout::contiguous);
  EXPECT_EQ(c.groups, 8);
  EXPECT_EQ(parse_layer("masked:7168:2048:4").layout, Layout::masked);
}

TEST(LayerSyntax, BadLayersAreNamedWithTheRule) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (auto [text, expected] : {Case{"", "empty"}, Case{"dense:8:16", "unknown layout"},
                                Case{"normal:8", "has 2 numbers"}, Case{"normal:8:16:2", "has 2 numbers"},
                                Case{"masked:8:16", "has 3 numbers"}, Case{"normal:x:16", "N \"x\" is not an integer"},
                                Case{"normal:8:16k", "K \"16k\" is not an integer"},
                                Case{"normal:12:16", "multiple of 8"}, Case{"normal:8:24", "multiple of 16"},
                                Case{"masked:8:16:0", "groups = 0"}, Case{"normal:8:16:", "has 2 numbers"}}) {
    std::string err = error_of([&] { parse_layer(text); });
    EXPECT_NE(err.find(expected), std::string::npos) << "\"" << text << "\" gave: " << err;
    EXPECT_NE(err.find(std::string("\"") + text + "\""), std::string::npos) << err;
  }
}

TEST(LayerSyntax, FileSkipsCommentsAndNamesTheBadLine) {
  JitSandboxFiles files;
  fs::path good = files.root / "layers.txt";
  write_file(good, "# DeepSeek-V3 dense\nnormal:2112:7168\n\n  masked:4096:7168:8  \n");
  std::vector<LayerSpec> layers = read_layer_file(good.string());
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[1].groups, 8);

  fs::path bad = files.root / "bad.txt";
  write_file(bad, "normal:2112:7168\nnormal:2112\n");
  std::string err = error_of([&] { read_layer_file(bad.string()); });
  EXPECT_NE(err.find("bad.txt:2"), std::string::npos) << err;
  EXPECT_NE(error_of([&] { read_layer_file((files.root / "missing.txt").string()); }).find("cannot be read"),
            std::string::npos);
}

TEST(LayerSuite, DeepSeekV3HasTheIssueShapes) {
  std::vector<LayerSpec> layers = layer_suite("deepseek-v3");
  int normal = 0, contiguous = 0, masked = 0;
  for (const LayerSpec& l : layers)
    (l.layout == Layout::normal ? normal : l.layout == Layout::contiguous ? contiguous : masked)++;
  EXPECT_EQ(normal, 6);
  EXPECT_EQ(contiguous, 2);
  EXPECT_EQ(masked, 2);
  EXPECT_NE(error_of([] { layer_suite("llama"); }).find("deepseek-v3"), std::string::npos);
}

class AheadOfTime : public JitSandbox {
 protected:
  void SetUp() override {
    JitSandbox::SetUp();
    unsetenv("FP8GEMM_KERNELS_DIR");  // the real kernels
  }
};

TEST_F(AheadOfTime, BadRequestsAreRefusedBeforeCompiling) {
  CompileRequest r;
  EXPECT_NE(error_of([&] { compile_ahead_of_time(r); }).find("layers"), std::string::npos);
  r.layers = {{Layout::normal, 256, 512, 1}};
  r.m_min = 0;
  EXPECT_NE(error_of([&] { compile_ahead_of_time(r); }).find("m_min"), std::string::npos);
  r.m_min = 8, r.m_max = 4;
  EXPECT_NE(error_of([&] { compile_ahead_of_time(r); }).find("m_max"), std::string::npos);
  r.m_max = 8, r.num_sms = 0;
  EXPECT_NE(error_of([&] { compile_ahead_of_time(r); }).find("num_sms"), std::string::npos);
  r.num_sms = 132;
  r.layers = {{Layout::normal, 256, 520, 1}};
  EXPECT_NE(error_of([&] { compile_ahead_of_time(r); }).find("layers[0] (normal:256:520): K"), std::string::npos);
  EXPECT_EQ(jit::disk_cache_summary().entries, 0);
}

TEST_F(AheadOfTime, CompilesOnceThenFindsEverythingCached) {
  CompileRequest r;
  r.layers = {{Layout::normal, 256, 512, 1}, {Layout::normal, 256, 512, 1}};  // duplicates build once
  r.m_min = 1;
  r.m_max = 2;
  r.jobs = 2;
  int calls = 0;
  CompileSummary first = compile_ahead_of_time(r, [&](const CompiledKernel& k, int done, int total) {
    ++calls;
    EXPECT_EQ(done, calls);
    EXPECT_GE(total, done);
    EXPECT_TRUE(k.error.empty()) << k.error;
  });
  ASSERT_GE(first.compiled, 1);
  EXPECT_EQ(first.cached, 0);
  EXPECT_EQ(calls, first.compiled);
  EXPECT_EQ(jit::disk_cache_summary().entries, first.compiled);

  jit::clear_memory_cache();  // as a new process would: everything from disk
  CompileSummary second = compile_ahead_of_time(r);
  EXPECT_EQ(second.compiled, 0);
  EXPECT_EQ(second.cached, first.compiled);
}

TEST_F(AheadOfTime, CallbackErrorStopsTheRun) {
  CompileRequest r;
  r.layers = {{Layout::normal, 256, 512, 1}};
  r.m_min = 1;
  r.m_max = 2;
  EXPECT_THROW(compile_ahead_of_time(r, [](const CompiledKernel&, int, int) { throw std::runtime_error("stop"); }),
               std::runtime_error);
}

}  // namespace
}  // namespace fp8gemm::testing
