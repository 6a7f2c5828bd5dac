#include "definition/function_definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "util/testing/test_files.h"

namespace sweetspot::definition {

using engine_api::Architecture;
using engine_api::FunctionConfig;
using engine_api::RuntimeFamily;

namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using util::test_support::error_of;
using ::testing::HasSubstr;

class FunctionDefinitionTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& relative, const std::string& content = "", bool executable = false) {
    return tree_.write(relative, content, executable);
  }

  util::Result<FunctionConfig> load_dir(const std::string& relative, FunctionOverrides overrides = {}) {
    return load_function({.code_dir = tree_.root() / relative, .overrides = std::move(overrides)});
  }

  util::Result<FunctionConfig> load_template(const std::string& yaml, const std::string& function_id = "",
                                             FunctionOverrides overrides = {}) {
    const fs::path file = write("template.yaml", yaml);
    return load_function({.template_file = file, .function_id = function_id, .overrides = std::move(overrides)});
  }

  // A template whose one resource is the Python function Fn (code in src/,
  // handler app.handler), with `more` appended to its Properties (6 spaces in).
  static std::string fn_template(const std::string& more = "") {
    return "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
           "      CodeUri: src\n      Handler: app.handler\n      Runtime: python3.12\n" + more;
  }

  util::test_support::TempTree tree_;
};

TEST_F(FunctionDefinitionTest, DetectsPythonAndLambdasDefaultHandler) {
  write("fn/lambda_function.py", "def lambda_handler(e, c): return 1\n");
  auto config = load_dir("fn");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->runtime, RuntimeFamily::kPython);
  EXPECT_EQ(config->runtime_id, "python3.12");
  EXPECT_EQ(config->handler, "lambda_function.lambda_handler");
  EXPECT_EQ(config->name, "fn");
  EXPECT_TRUE(config->code_dir.is_absolute());
  EXPECT_EQ(config->code_dir, fs::canonical(tree_.root() / "fn"));
  EXPECT_EQ(config->memory_mb, 128);
  EXPECT_EQ(config->timeout_s, 3);
}

TEST_F(FunctionDefinitionTest, PythonWithoutDefaultModuleAsksForHandler) {
  write("fn/app.py", "def handler(e, c): return 1\n");
  EXPECT_THAT(error_of(load_dir("fn")),
              AllOf(HasSubstr("--handler"), HasSubstr("app.py"), HasSubstr("lambda_function.py")));

  auto given = load_dir("fn", {.handler = "app.handler"});
  ASSERT_TRUE(given) << given.error().message;
  EXPECT_EQ(given->runtime, RuntimeFamily::kPython);
  EXPECT_EQ(given->handler, "app.handler");
}

TEST_F(FunctionDefinitionTest, DetectsNodeWithIndexHandler) {
  write("fn/index.mjs", "export const handler = async () => 1;\n");
  auto config = load_dir("fn");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->runtime, RuntimeFamily::kNode);
  EXPECT_EQ(config->runtime_id, "nodejs20.x");
  EXPECT_EQ(config->handler, "index.handler");
}

TEST_F(FunctionDefinitionTest, NodeWithoutIndexAsksForHandler) {
  write("fn/app.js", "exports.run = async () => 1;\n");
  EXPECT_THAT(error_of(load_dir("fn")), AllOf(HasSubstr("--handler"), HasSubstr("app.js")));
}

TEST_F(FunctionDefinitionTest, ExecutableBootstrapIsACustomRuntime) {
  write("fn/bootstrap", "#!/bin/sh\n", /*executable=*/true);
  write("fn/helper.py", "");  // a custom runtime may ship scripts of any language
  auto config = load_dir("fn");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->runtime, RuntimeFamily::kProvided);
  EXPECT_EQ(config->runtime_id, "provided.al2023");
}

TEST_F(FunctionDefinitionTest, MixedCodeNeedsRuntimeOrAHandlerThatPicksOne) {
  write("fn/app.py", "");
  write("fn/index.js", "");
  EXPECT_THAT(error_of(load_dir("fn")), HasSubstr("--runtime"));

  auto node = load_dir("fn", {.handler = "index.handler"});
  ASSERT_TRUE(node) << node.error().message;
  EXPECT_EQ(node->runtime, RuntimeFamily::kNode);

  auto python = load_dir("fn", {.runtime_id = "python3.11", .handler = "app.handler"});
  ASSERT_TRUE(python) << python.error().message;
  EXPECT_EQ(python->runtime, RuntimeFamily::kPython);
  EXPECT_EQ(python->runtime_id, "python3.11");
}

TEST_F(FunctionDefinitionTest, SlashedPythonHandlerFindsItsModule) {
  write("fn/src/app.py", "");
  auto config = load_dir("fn", {.handler = "src/app.handler"});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->runtime, RuntimeFamily::kPython);
}

TEST_F(FunctionDefinitionTest, DirectoryWithoutCodeOrMissingIsAnError) {
  fs::create_directories(tree_.root() / "empty");
  EXPECT_THAT(error_of(load_dir("empty")), HasSubstr("cannot tell the function's runtime"));

  EXPECT_THAT(error_of(load_dir("nope")), HasSubstr("not a directory"));
}

TEST_F(FunctionDefinitionTest, OverridesWinAndAreChecked) {
  write("fn/lambda_function.py", "");
  auto config = load_dir("fn", {.memory_mb = 1769,
                                .timeout_s = 30,
                                .tmp_mb = 1024,
                                .architecture = Architecture::kArm64,
                                .environment = {{"A", "1"}},
                                .python = "/usr/bin/python3"});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->memory_mb, 1769);
  EXPECT_EQ(config->timeout_s, 30);
  EXPECT_EQ(config->tmp_mb, 1024);
  EXPECT_EQ(config->architecture, Architecture::kArm64);
  EXPECT_EQ(config->environment.at("A"), "1");
  EXPECT_EQ(config->python, "/usr/bin/python3");

  EXPECT_THAT(error_of(load_dir("fn", {.memory_mb = 64})), HasSubstr("--memory 64"));
  EXPECT_THAT(error_of(load_dir("fn", {.timeout_s = 901})), HasSubstr("--timeout"));
}

TEST_F(FunctionDefinitionTest, UnsupportedRuntimeIsNamed) {
  write("fn/lambda_function.py", "");
  EXPECT_THAT(error_of(load_dir("fn", {.runtime_id = "java21"})), AllOf(HasSubstr("java21"), HasSubstr("python3.x")));
}

constexpr const char* kTwoFunctions = R"(AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage:
    Type: String
    Default: dev
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    MemorySize: 256
    Environment:
      Variables:
        STAGE: !Ref Stage
        SHARED: from-globals
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  PyFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: py/
      Handler: app.handler
      MemorySize: 512
      Environment:
        Variables:
          SHARED: from-function
          BUCKET_NAME: !Sub '${Stage}-images-${AWS::Region}'
  NodeFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: node
      Handler: index.handler
      Runtime: nodejs20.x
      EphemeralStorage:
        Size: 1024
      Architectures: [arm64]
      Policies:
        - S3ReadPolicy:
            BucketName: !Ref Bucket
      Events:
        Api:
          Type: Api
          Properties: {Path: /, Method: get, RestApiId: !GetAtt Api.RootResourceId}
)";

TEST_F(FunctionDefinitionTest, TemplateAppliesGlobalsToEachFunction) {
  write("py/app.py", "");
  write("node/index.js", "");
  auto py = load_template(kTwoFunctions, "PyFunction");
  ASSERT_TRUE(py) << py.error().message;
  EXPECT_EQ(py->name, "PyFunction");
  EXPECT_EQ(py->code_dir, fs::canonical(tree_.root() / "py"));
  EXPECT_EQ(py->runtime, RuntimeFamily::kPython);
  EXPECT_EQ(py->runtime_id, "python3.12");
  EXPECT_EQ(py->handler, "app.handler");
  EXPECT_EQ(py->memory_mb, 512);  // its own value beats Globals
  EXPECT_EQ(py->timeout_s, 10);   // from Globals
  EXPECT_EQ(py->tmp_mb, 512);
  EXPECT_EQ(py->environment.at("STAGE"), "dev");
  EXPECT_EQ(py->environment.at("SHARED"), "from-function");
  const char* region = std::getenv("AWS_REGION");
  EXPECT_EQ(py->environment.at("BUCKET_NAME"), std::string("dev-images-") + (region ? region : "us-east-1"));

  auto node = load_template(kTwoFunctions, "NodeFunction");
  ASSERT_TRUE(node) << node.error().message;
  EXPECT_EQ(node->runtime, RuntimeFamily::kNode);
  EXPECT_EQ(node->runtime_id, "nodejs20.x");
  EXPECT_EQ(node->memory_mb, 256);
  EXPECT_EQ(node->tmp_mb, 1024);
  EXPECT_EQ(node->architecture, Architecture::kArm64);
  EXPECT_EQ(node->environment.at("SHARED"), "from-globals");
}

TEST_F(FunctionDefinitionTest, TemplateWithSeveralFunctionsNeedsOneNamed) {
  write("py/app.py", "");
  write("node/index.js", "");
  EXPECT_THAT(error_of(load_template(kTwoFunctions)),
              AllOf(HasSubstr("--function"), HasSubstr("PyFunction"), HasSubstr("NodeFunction")));

  EXPECT_THAT(error_of(load_template(kTwoFunctions, "Nope")), AllOf(HasSubstr("'Nope'"), HasSubstr("PyFunction")));

  EXPECT_THAT(error_of(load_template(kTwoFunctions, "Bucket")), HasSubstr("AWS::S3::Bucket"));
}

TEST_F(FunctionDefinitionTest, TemplateWithOneFunctionNeedsNoName) {
  write("src/lambda_function.py", "");
  auto config = load_template(R"(Resources:
  Only:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
)");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->name, "Only");
  EXPECT_EQ(config->runtime, RuntimeFamily::kPython);  // detected, as no Runtime is given
  EXPECT_EQ(config->handler, "lambda_function.lambda_handler");
}

TEST_F(FunctionDefinitionTest, TemplateWithoutHandlerNamesTheKey) {
  write("src/app.py", "");
  EXPECT_THAT(error_of(load_template(R"(Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Runtime: python3.12
)")),
              AllOf(HasSubstr("template.yaml: Resources.Fn.Properties.Handler is not set"), HasSubstr("--handler")));
}

TEST_F(FunctionDefinitionTest, TemplateJsonLoggingSetsLambdasLogVariables) {
  write("src/app.py", "");
  const std::string head = fn_template("      LoggingConfig:\n");
  auto json = load_template(head + "        LogFormat: JSON\n        ApplicationLogLevel: DEBUG\n");
  ASSERT_TRUE(json) << json.error().message;
  EXPECT_EQ(json->environment.at("AWS_LAMBDA_LOG_FORMAT"), "JSON");
  EXPECT_EQ(json->environment.at("AWS_LAMBDA_LOG_LEVEL"), "DEBUG");

  auto text = load_template(head + "        LogFormat: Text\n");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_FALSE(text->environment.contains("AWS_LAMBDA_LOG_FORMAT"));

  EXPECT_THAT(error_of(load_template(head + "        LogFormat: XML\n")),
              AllOf(HasSubstr("Resources.Fn.Properties.LoggingConfig.LogFormat"), HasSubstr("Text or JSON")));
}

TEST_F(FunctionDefinitionTest, TemplateLayersAreLocalFoldersGlobalsFirst) {
  write("src/app.py", "");
  write("layers/shared/python/shared.py", "");
  write("layers/extra/python/extra.py", "");
  const std::string yaml = R"(Globals:
  Function:
    Layers: [!Ref Shared]
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared
  Extra:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/extra/
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - Ref: Extra
)";
  auto config = load_template(yaml);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(config->layers.size(), 2u);
  EXPECT_EQ(config->layers[0], tree_.root() / "layers/shared");
  EXPECT_EQ(config->layers[1], tree_.root() / "layers/extra");

  const std::string arn = fn_template("      Layers:\n        - arn:aws:lambda:us-east-1:123456789012:layer:tools:3\n");
  EXPECT_THAT(error_of(load_template(arn)),
              AllOf(HasSubstr("Resources.Fn.Properties.Layers[0]"), HasSubstr("not a layer of this template")));
}

TEST_F(FunctionDefinitionTest, OverridesBeatTheTemplate) {
  write("py/app.py", "");
  auto config = load_template(kTwoFunctions, "PyFunction", {.memory_mb = 1024, .environment = {{"STAGE", "prod"}}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->memory_mb, 1024);
  EXPECT_EQ(config->environment.at("STAGE"), "prod");
}

TEST_F(FunctionDefinitionTest, UnresolvableVariableNamesKeyAndTheFix) {
  write("src/app.py", "");
  const std::string yaml = R"(Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_ARN: !GetAtt Table.Arn
)";
  EXPECT_THAT(error_of(load_template(yaml)),
              AllOf(HasSubstr("template.yaml:12"), HasSubstr("Resources.Fn.Properties.Environment.Variables.TABLE_ARN"),
                    HasSubstr("!GetAtt"), HasSubstr("--env TABLE_ARN=")));

  auto given = load_template(yaml, "", {.environment = {{"TABLE_ARN", "arn:aws:dynamodb:local"}}});
  ASSERT_TRUE(given) << given.error().message;
  EXPECT_EQ(given->environment.at("TABLE_ARN"), "arn:aws:dynamodb:local");
}

TEST_F(FunctionDefinitionTest, TemplateErrorsNameFileKeyAndProblem) {
  write("src/app.py", "");
  EXPECT_THAT(error_of(load_template(fn_template("      MemorySize: 64\n"))),
              AllOf(HasSubstr("template.yaml:8: Resources.Fn.Properties.MemorySize"), HasSubstr("128 to 10240")));

  EXPECT_THAT(error_of(load_template(R"(Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: missing/
      Handler: app.handler
      Runtime: python3.12
)")),
              AllOf(HasSubstr("Resources.Fn.Properties.CodeUri"), HasSubstr("not a directory")));

  // A CodeUri or handler too long to be a path (found by fuzz_sam_template) is
  // an error that names it, not an exception from the filesystem.
  const std::string too_long(5000, 'a');
  EXPECT_THAT(error_of(load_template("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                                     "      CodeUri: " + too_long + "\n      Handler: app.handler\n")),
              AllOf(HasSubstr("Resources.Fn.Properties.CodeUri"), HasSubstr("not a directory")));
  write("src/app.py", "def handler(e, c): return 1\n");
  write("src/app.js", "exports.handler = async () => 1;\n");
  EXPECT_FALSE(load_template("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
                             "      CodeUri: src\n      Handler: " + too_long + ".handler\n")
                   .has_value());

  EXPECT_THAT(error_of(load_template(R"(Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {Bucket: b, Key: k.zip}
      Runtime: python3.12
)")),
              HasSubstr("S3 location"));

  EXPECT_THAT(error_of(load_template(R"(Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
      Runtime: java21
)")),
              AllOf(HasSubstr("Resources.Fn.Properties.Runtime"), HasSubstr("java21")));

  EXPECT_THAT(error_of(load_template(R"(Globals:
  Function:
    Timeout: lots
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src
      Handler: app.handler
)")),
              AllOf(HasSubstr("Globals.Function.Timeout"), HasSubstr("'lots' is not a number")));
}

// Found by fuzz/fuzz_sam_template: 1e30 and nan were cast to an integer before the
// range check (undefined behaviour); they are out of range like any other number.
TEST_F(FunctionDefinitionTest, HugeOrNotANumberSizesAreOutOfRange) {
  write("src/app.py", "");
  for (const std::string value : {"1e30", "-1e30", "nan", "1e308"}) {
    const std::string head = fn_template();
    EXPECT_THAT(error_of(load_template(head + "      MemorySize: " + value + "\n")), HasSubstr("128 to 10240"))
        << value;
    EXPECT_THAT(error_of(load_template(head + "      EphemeralStorage:\n        Size: " + value + "\n")),
                HasSubstr("512 to 10240"))
        << value;
  }
}

TEST_F(FunctionDefinitionTest, BrokenOrMissingTemplateIsReported) {
  EXPECT_THAT(error_of(load_template("Resources:\n  Fn: [unclosed\n")), HasSubstr("not valid YAML"));

  EXPECT_THAT(error_of(load_function({.template_file = tree_.root() / "nope.yaml"})),
              HasSubstr("nope.yaml: no such file"));

  EXPECT_THAT(error_of(load_template("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")),
              HasSubstr("no resource of Type AWS::Serverless::Function"));
}

TEST(RuntimeFamilyTest, MapsLambdaRuntimeIds) {
  EXPECT_EQ(runtime_family("python3.13").value(), RuntimeFamily::kPython);
  EXPECT_EQ(runtime_family("nodejs22.x").value(), RuntimeFamily::kNode);
  EXPECT_EQ(runtime_family("provided.al2").value(), RuntimeFamily::kProvided);
  EXPECT_FALSE(runtime_family("ruby3.3"));
  EXPECT_EQ(parse_architecture("arm64").value(), Architecture::kArm64);
  EXPECT_FALSE(parse_architecture("aarch64"));
}

}  // namespace
}  // namespace sweetspot::definition
