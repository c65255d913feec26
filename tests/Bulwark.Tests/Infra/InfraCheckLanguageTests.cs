using Bulwark.Infra;
using Bulwark.Infra.Checks;
using Bulwark.Kernel;
using static Bulwark.Tests.Infra.InfraTestKit;

namespace Bulwark.Tests.Infra;

/// <summary>The check language of infrastructure rules: compile errors, the semantics of each test, and where findings point.</summary>
public class InfraCheckLanguageTests
{
    private const string Thing = """
        apiVersion: example.com/v1
        kind: Thing
        metadata:
          name: t1
        spec:
          enabled: "True"
          flag: yes
          off: false
          version: v1.16.1-ubuntu20.04
          plain: latest
          empty: []
          none: ~
          items:
            - name: a
              privileged: true
              root: false
            - name: b
              privileged: false
              root: true
          labels:
            team: ml
            owner: alice
          number: 8
        """;

    private static readonly InfraFile ThingFile = Read("thing.yaml", Thing);

    /// <summary>Where the findings of a check on the Thing point (line, column).</summary>
    private static List<(int Line, int Column)> Fail(string fail, string? when = null, string? message = null)
    {
        var check = $"resources: ['k8s:Thing']\nfail: {fail}" + (when is null ? "" : $"\nwhen: {when}") + (message is null ? "" : $"\nmessage: '{message}'");
        return [.. Run(CheckRule(check), ThingFile).Select(f => (f.Location.Line, f.Location.Column))];
    }

    // ----- compile errors -----

    private static BulwarkInputException CompileError(string check) =>
        Assert.Throws<BulwarkInputException>(() => new InfraAnalyzer([CheckRule(check)]));

    [Theory]
    [InlineData("resources: [workload]\nfail: {path: exposed, equals: true}\nseverity: high", "check: unknown key 'severity' (expected resources, when, fail, message)")]
    [InlineData("fail: {path: exposed, equals: true}", "check.resources: expected text or a list of text")]
    [InlineData("resources: []\nfail: {path: exposed, equals: true}", "check: 'resources' names no resource type")]
    [InlineData("resources: [workload, {a: b}]\nfail: {path: exposed, equals: true}", "check.resources: expected text items")]
    [InlineData("resources: [workload]\nwhen: {path: exposed, equals: true}", "check: missing 'fail'")]
    [InlineData("resources: [workload]\nfail: {path: exposed, contains: true}", "check.fail: unknown test 'contains' (exists, equals, in, matches, version-below, some, some-entry)")]
    [InlineData("resources: [workload]\nfail: {path: exposed, equals: true, exists: true}", "check.fail: path 'exposed' needs exactly one of exists, equals, in, matches, version-below, some, some-entry")]
    [InlineData("resources: [workload]\nfail: {path: exposed}", "check.fail: path 'exposed' needs exactly one of")]
    [InlineData("resources: [workload]\nfail: {equals: true}", "check.fail: a condition is all, any, not, related, or a 'path' with a test")]
    [InlineData("resources: [workload]\nfail: {path: '', equals: true}", "check.fail: a condition is all, any, not, related, or a 'path' with a test")]
    [InlineData("resources: [workload]\nfail: [{path: exposed, equals: true}]", "check.fail: expected a condition (a map)")]
    [InlineData("resources: [workload]\nfail: {path: image, matches: '[a-'}", "check.fail: invalid pattern '[a-'")]
    [InlineData("resources: [workload]\nfail: {path: image, matches: '(a)\\1'}", "check.fail: invalid pattern '(a)\\1'")]
    [InlineData("resources: [workload]\nfail: {path: image, matches: '(?=a)b'}", "check.fail: invalid pattern '(?=a)b'")]
    [InlineData("resources: [workload]\nfail: {path: image, matches: [a, b]}", "check.fail: expected a single value")]
    [InlineData("resources: [workload]\nfail: {path: image-tag, version-below: latest}", "check.fail: version-below needs a version such as 1.17.8")]
    [InlineData("resources: [workload]\nfail: {path: exposed, exists: maybe}", "check.fail: exists takes true or false")]
    [InlineData("resources: [workload]\nfail: {path: exposed, in: [a, [b]]}", "check.fail.in: expected text items")]
    [InlineData("resources: [workload]\nfail: {all: [{path: a, exists: true}], path: b}", "check.fail: 'all' stands alone in its condition")]
    [InlineData("resources: [workload]\nfail: {any: {path: a, exists: true}}", "check.fail.any: expected a list")]
    [InlineData("resources: [workload]\nfail: {all: [{path: a, exists: true}, {path: b, exact: c}]}", "check.fail.all[1]: unknown test 'exact'")]
    [InlineData("resources: [workload]\nfail: {not: {path: a}}", "check.fail.not: path 'a' needs exactly one of")]
    [InlineData("resources: [workload]\nfail: {not: {path: a, exists: true}, any: []}", "check.fail: 'any' stands alone in its condition")]
    [InlineData("resources: [workload]\nfail: {path: containers, some: {path: a, exists: true}, equals: x}", "check.fail: unknown key 'equals' (expected path, some)")]
    [InlineData("resources: [workload]\nfail: {path: containers, some: {path: a, exist: true}}", "check.fail.some: unknown test 'exist'")]
    [InlineData("resources: [workload]\nfail: {related: [b], via: bucket, when: {path: a, exists: true}}", "check.fail: unknown key 'when' (expected related, via, where)")]
    [InlineData("resources: [workload]\nfail: {related: [b], via: [bucket, id]}", "check.fail: 'via' takes one path")]
    [InlineData("resources: [workload]\nfail: {related: [b], where: {path: a}}", "check.fail.where: path 'a' needs exactly one of")]
    [InlineData("resources: [workload]\nwhen: {path: a, equals: [x]}\nfail: {path: exposed, equals: true}", "check.when: expected a single value")]
    [InlineData("resources: [workload]\nfail: {path: exposed, equals: true}\nmessage: [a, b]", "check: 'message' is text")]
    public void Every_mistake_in_a_check_is_an_input_error_naming_the_rule(string check, string expected)
    {
        var error = CompileError(check);
        Assert.StartsWith("test-pack.yaml: rule BW-INFRA-TEST-CHECK: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("rule BW-INFRA-TEST-CHECK: " + expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_infra_check_rule_without_a_check_is_an_input_error()
    {
        var rule = CheckRule("resources: [workload]\nfail: {path: exposed, equals: true}") with { Check = null };
        var error = Assert.Throws<BulwarkInputException>(() => new InfraAnalyzer([rule]));
        Assert.Equal("test-pack.yaml: rule BW-INFRA-TEST-CHECK: detector infra-check needs a 'check'", error.Message);
    }

    [Fact]
    public void A_check_built_in_code_compiles_like_one_read_from_yaml()
    {
        var rule = CheckRule("resources: [x]\nfail: {path: a, exists: true}") with
        {
            Check = new Dictionary<string, object>
            {
                ["resources"] = new List<object> { "k8s:Thing" },
                ["fail"] = new Dictionary<object, object> { ["all"] = new List<object> { new Dictionary<object, object> { ["path"] = "spec.flag", ["equals"] = "true" } } },
            },
        };
        var finding = Assert.Single(Run(rule, ThingFile));
        Assert.Equal((7, 9), (finding.Location.Line, finding.Location.Column));
    }

    // ----- tests and where their findings point -----

    [Fact]
    public void Exists_treats_null_and_empty_lists_as_absent()
    {
        Assert.Equal([(7, 9)], Fail("{path: spec.flag, exists: true}"));
        Assert.Empty(Fail("{path: spec.flag, exists: false}"));
        Assert.Empty(Fail("{path: spec.empty, exists: true}"));
        Assert.Equal([(1, 1)], Fail("{path: spec.empty, exists: false}")); // absent: at the resource
        Assert.Empty(Fail("{path: spec.none, exists: true}"));
        Assert.Equal([(1, 1)], Fail("{path: spec.none, exists: false}"));
        Assert.Equal([(1, 1)], Fail("{path: spec.nothing, exists: false}"));
        Assert.Equal([(14, 7)], Fail("{path: spec.items, exists: true}"));  // the first item
        Assert.Equal([(21, 5)], Fail("{path: spec.labels, exists: true}")); // a map
    }

    [Fact]
    public void Equals_compares_booleans_by_truth_and_text_ignoring_case()
    {
        Assert.Equal([(6, 12)], Fail("{path: spec.enabled, equals: true}"));  // "True", quoted
        Assert.Equal([(7, 9)], Fail("{path: spec.flag, equals: true}"));      // yes
        Assert.Equal([(7, 9)], Fail("{path: spec.flag, equals: TRUE}"));
        Assert.Equal([(8, 8)], Fail("{path: spec.off, equals: false}"));
        Assert.Empty(Fail("{path: spec.off, equals: true}"));
        Assert.Empty(Fail("{path: spec.plain, equals: true}"));
        Assert.Equal([(10, 10)], Fail("{path: spec.plain, equals: LATEST}"));
        Assert.Empty(Fail("{path: spec.plain, equals: lates}"));
        Assert.Equal([(23, 11)], Fail("{path: spec.number, equals: 8}"));
        Assert.Empty(Fail("{path: spec.none, equals: ''}"));
    }

    [Fact]
    public void In_accepts_any_of_its_values()
    {
        Assert.Equal([(10, 10)], Fail("{path: spec.plain, in: ['', Latest]}"));
        Assert.Empty(Fail("{path: spec.plain, in: ['', stable]}"));
        Assert.Equal([(8, 8)], Fail("{path: spec.off, in: [x, false]}"));
    }

    [Fact]
    public void Matches_is_case_insensitive_and_crosses_lists_and_star_steps()
    {
        Assert.Equal([(9, 12)], Fail(@"{path: spec.version, matches: '^V1\.16'}"));
        Assert.Empty(Fail(@"{path: spec.version, matches: '^1\.16'}"));
        Assert.Equal([(17, 13)], Fail("{path: spec.items.name, matches: '^b$'}"));
        Assert.Equal([(22, 12)], Fail("{path: spec.labels.*, matches: ali}"));
        Assert.Empty(Fail("{path: spec.*, matches: ali}")); // * is one level
    }

    [Fact]
    public void Version_below_reads_the_leading_version_and_never_matches_text_without_one()
    {
        Assert.Equal([(9, 12)], Fail("{path: spec.version, version-below: 1.17.8}"));
        Assert.Equal([(9, 12)], Fail("{path: spec.version, version-below: 1.16.2}"));
        Assert.Empty(Fail("{path: spec.version, version-below: 1.16.1}"));
        Assert.Empty(Fail("{path: spec.version, version-below: '1.16'}"));
        Assert.Empty(Fail("{path: spec.plain, version-below: 99.0}"));
        Assert.Equal([(23, 11)], Fail("{path: spec.number, version-below: 9}"));
    }

    [Theory]
    [InlineData("v1.16.1-ubuntu20.04", "1.16.1")]
    [InlineData("1.17.8", "1.17.8")]
    [InlineData("V24.6", "24.6.0")]
    [InlineData("25", "25.0.0")]
    [InlineData("1.2.3.4", "1.2.3")]
    [InlineData("999999.999999.999999", "999999.999999.999999")]
    public void Version_parsing(string text, string version) => Assert.Equal(Version.Parse(version), VersionBelowTest.Parse(text));

    [Theory]
    [InlineData("latest")]
    [InlineData("")]
    [InlineData("sha256:3a1b")]
    [InlineData("release-1.2")]
    public void Text_without_a_leading_version(string text) => Assert.Null(VersionBelowTest.Parse(text));

    [Fact]
    public void Some_judges_each_list_item_on_its_own()
    {
        // One item is privileged, the other runs as root: no single item is both.
        Assert.Empty(Fail("{path: spec.items, some: {all: [{path: privileged, equals: true}, {path: root, equals: true}]}}"));
        Assert.Equal([(15, 19)], Fail("{path: spec.items, some: {all: [{path: privileged, equals: true}, {path: root, equals: false}]}}"));
        Assert.Equal([(17, 13)], Fail("{path: spec.items, some: {path: name, equals: b}}"));
        // A negated test points at the value it read (item b's privileged: false).
        Assert.Equal([(18, 19)], Fail("{path: spec.items, some: {not: {path: privileged, equals: true}}}"));
        Assert.Empty(Fail("{path: spec.plain, some: {path: name, exists: true}}")); // a scalar has no items
    }

    [Fact]
    public void Some_entry_sees_each_entry_of_a_map_as_key_and_value()
    {
        Assert.Equal([(22, 5)], Fail("{path: spec.labels, some-entry: {all: [{path: key, equals: owner}, {path: value, equals: alice}]}}"));
        Assert.Equal([(22, 12)], Fail("{path: spec.labels, some-entry: {path: value, equals: alice}}"));
        Assert.Empty(Fail("{path: spec.labels, some-entry: {all: [{path: key, equals: team}, {path: value, equals: alice}]}}"));
        Assert.Equal([(21, 5)], Fail("{path: spec.labels, some-entry: {not: {path: key, equals: owner}}}")); // the entry's key
        // Plain some treats the map as one item, as it does each of repeated HCL blocks.
        Assert.Empty(Fail("{path: spec.labels, some: {path: key, exists: true}}"));
    }

    [Fact]
    public void All_any_and_not_combine_and_point_at_the_first_value_that_says_where()
    {
        Assert.Equal([(1, 1)], Fail("{not: {path: spec.nothing, exists: true}}"));
        Assert.Empty(Fail("{not: {path: spec.flag, exists: true}}"));
        Assert.Equal([(7, 9)], Fail("{all: [{not: {path: spec.nothing, exists: true}}, {path: spec.flag, equals: true}]}"));
        Assert.Equal([(7, 9)], Fail("{all: [{path: spec.flag, equals: true}, {path: spec.off, equals: false}]}"));
        Assert.Empty(Fail("{all: [{path: spec.flag, equals: true}, {path: spec.off, equals: true}]}"));
        Assert.Equal([(8, 8)], Fail("{any: [{path: spec.plain, equals: nope}, {path: spec.off, equals: false}, {path: spec.flag, equals: true}]}"));
        Assert.Empty(Fail("{any: [{path: spec.plain, equals: nope}, {path: spec.off, equals: true}]}"));
        Assert.Equal([(1, 1)], Fail("{all: []}"));
        Assert.Empty(Fail("{any: []}"));
    }

    [Fact]
    public void When_limits_the_resources_a_check_judges()
    {
        Assert.Empty(Fail("{path: spec.flag, equals: true}", when: "{path: spec.plain, equals: stable}"));
        Assert.Equal([(7, 9)], Fail("{path: spec.flag, equals: true}", when: "{path: spec.plain, equals: latest}"));
    }

    [Fact]
    public void Messages_fill_in_the_address_the_name_and_paths()
    {
        var rule = CheckRule("resources: ['k8s:Thing']\nfail: {path: spec.flag, equals: true}\nmessage: '{address} ({name}) runs {spec.plain}, first item {spec.items.name}, {spec.nothing} {unclosed'");
        Assert.Equal("Thing/t1 (t1) runs latest, first item a, ? {unclosed", Assert.Single(Run(rule, ThingFile)).Message);

        var plain = CheckRule("resources: ['k8s:Thing']\nfail: {path: spec.flag, equals: true}");
        Assert.Equal("Test check (Thing/t1)", Assert.Single(Run(plain, ThingFile)).Message);
    }

    [Fact]
    public void A_finding_names_the_resource_and_its_evidence()
    {
        var finding = Assert.Single(Run(CheckRule("resources: ['k8s:Thing']\nfail: {path: spec.version, matches: ubuntu}"), ThingFile));

        Assert.Equal(("thing.yaml", 9, 12, "Thing/t1"), (finding.Location.Path, finding.Location.Line, finding.Location.Column, finding.Location.Place));
        Assert.Equal("v1.16.1-ubuntu20.04", finding.Evidence);
        Assert.Equal(("BW-INFRA-TEST-CHECK", Severity.High, "INFRA"), (finding.RuleId, finding.Severity, finding.EntityType));
    }

    [Fact]
    public void Tests_judge_literals_and_skip_expressions()
    {
        var compose = Read("compose.yaml", "services:\n  app:\n    image: app:1\n    environment:\n      TOKEN: ${TOKEN}\n      MODE: \"${MODE:-dev}\"\n      LITERAL: abc\n");
        Assert.Empty(Run(CheckRule("resources: [workload]\nfail: {path: containers.env.TOKEN, matches: '.*'}"), compose));
        Assert.Empty(Run(CheckRule("resources: [workload]\nfail: {path: containers.env.TOKEN, equals: '${TOKEN}'}"), compose));
        Assert.Empty(Run(CheckRule("resources: [workload]\nfail: {path: containers.env.MODE, in: [dev, '${MODE:-dev}']}"), compose));
        Assert.Empty(Run(CheckRule("resources: [workload]\nfail: {path: containers.env.TOKEN, version-below: 99}"), compose));
        // An expression still exists.
        Assert.Equal(5, Assert.Single(Run(CheckRule("resources: [workload]\nfail: {path: containers.env.TOKEN, exists: true}"), compose)).Location.Line);
        Assert.Equal(7, Assert.Single(Run(CheckRule("resources: [workload]\nfail: {path: containers.env.*, matches: '.*'}"), compose)).Location.Line);
    }

    [Fact]
    public void A_check_runs_on_every_resource_of_its_types_and_no_other()
    {
        var two = Read("two.yaml", Thing + "\n---\n" + Thing.Replace("name: t1", "name: t2", StringComparison.Ordinal) + "\n---\napiVersion: v1\nkind: Other\nmetadata: {name: o}\nspec: {flag: true}\n");
        var findings = Run(CheckRule("resources: ['k8s:Thing']\nfail: {path: spec.flag, equals: true}"), two);
        Assert.Equal([("Thing/t1", 7), ("Thing/t2", 31)], findings.Select(f => (f.Location.Place!, f.Location.Line)));
    }

    // ----- related -----

    private static InfraScalar Lit(string text, int line) => new(text, ScalarKind.Text, line, 3);

    private static InfraScalar Ref(string text, int line) => new(text, ScalarKind.Expression, line, 3);

    private static InfraResource Resource(string type, string name, int line, params (string Key, InfraValue Value)[] entries) =>
        new(type, name, $"{type}.{name}", "main.tf", new InfraMap([.. entries.Select(e => new InfraEntry(e.Key, e.Value, e.Value.Line, 3))], line, 1));

    private static InfraFile Tf(params InfraResource[] resources) => new("main.tf", InfraFormat.Terraform, resources, []);

    private static readonly InfraResource Bucket = Resource("aws_s3_bucket", "models", 1, ("bucket", Lit("ml-models", 2)));

    private static InfraResource Versioning(InfraScalar bucket, string status = "Enabled") =>
        Resource("aws_s3_bucket_versioning", "v", 10, ("bucket", bucket), ("versioning_configuration", new InfraMap([new InfraEntry("status", Lit(status, 13), 13, 5)], 12, 3)));

    private static readonly Bulwark.Kernel.RulePacks.Rule NoVersioning = CheckRule(
        "resources: [aws_s3_bucket]\nfail: {not: {related: [aws_s3_bucket_versioning], via: bucket, where: {path: versioning_configuration.status, equals: Enabled}}}\nmessage: '{address} keeps no versions'");

    private static List<string> Unversioned(params InfraResource[] resources) => [.. Run(NoVersioning, Tf(resources)).Select(f => $"{f.Location.Place}@{f.Location.Line}")];

    [Theory]
    [InlineData("aws_s3_bucket.models.id")]
    [InlineData("aws_s3_bucket.models")]
    [InlineData("aws_s3_bucket.models[0].id")]
    [InlineData("${aws_s3_bucket.models.id}")]
    public void Related_by_a_reference_to_the_address(string reference) => Assert.Empty(Unversioned(Bucket, Versioning(Ref(reference, 11))));

    [Fact]
    public void Related_by_the_literal_name_as_in_a_plan() => Assert.Empty(Unversioned(Bucket, Versioning(Lit("ml-models", 11))));

    [Theory]
    [InlineData("aws_s3_bucket.models_backup.id")]
    [InlineData("aws_s3_bucket.other_models.id")]
    [InlineData("aws_s3_bucket.models2")]
    public void A_reference_to_another_resource_is_not_related(string reference) =>
        Assert.Equal(["aws_s3_bucket.models@1"], Unversioned(Bucket, Versioning(Ref(reference, 11))));

    [Theory]
    [InlineData("ml-models-archive")]
    [InlineData("ml-models.example.com")]
    [InlineData("old-ml-models")]
    public void Another_literal_name_is_not_related(string name) =>
        Assert.Equal(["aws_s3_bucket.models@1"], Unversioned(Bucket, Versioning(Lit(name, 11))));

    [Fact]
    public void A_bucket_named_like_a_word_of_another_reference_is_not_related()
    {
        // The bucket's name "models" is a word of aws_s3_bucket.other_models.id, yet the versioning is the other bucket's.
        var bucket = Resource("aws_s3_bucket", "models", 1, ("bucket", Lit("models", 2)));
        var other = Resource("aws_s3_bucket", "other_models", 5, ("bucket", Lit("other", 6)));
        Assert.Equal(["aws_s3_bucket.models@1"], Unversioned(bucket, other, Versioning(Ref("aws_s3_bucket.other_models.id", 11))));
    }

    [Fact]
    public void Related_where_must_hold_on_the_related_resource()
    {
        Assert.Equal(["aws_s3_bucket.models@1"], Unversioned(Bucket, Versioning(Ref("aws_s3_bucket.models.id", 11), status: "Suspended")));
        Assert.Equal(["aws_s3_bucket.models@1"], Unversioned(Bucket));
        Assert.Equal("aws_s3_bucket.models keeps no versions", Assert.Single(Run(NoVersioning, Tf(Bucket))).Message);
    }

    [Fact]
    public void Related_without_via_is_any_resource_of_the_types()
    {
        var rule = CheckRule("resources: [aws_s3_bucket]\nfail: {not: {related: [aws_s3_account_public_access_block, aws_s3_bucket_public_access_block]}}");
        var account = Resource("aws_s3_account_public_access_block", "this", 20, ("block_public_acls", new InfraScalar("true", ScalarKind.Boolean, 21, 3)));

        Assert.Single(Run(rule, Tf(Bucket)));
        Assert.Empty(Run(rule, Tf(Bucket, account)));
        Assert.Empty(Run(rule, Tf(Bucket), Tf(account))); // in another file of the scan
    }

    [Fact]
    public void Related_holding_points_at_the_related_resource()
    {
        var rule = CheckRule("resources: [aws_s3_bucket]\nfail: {related: [aws_s3_bucket_versioning], via: bucket}");
        var finding = Assert.Single(Run(rule, Tf(Bucket, Versioning(Ref("aws_s3_bucket.models.id", 11)))));
        Assert.Equal((10, 1), (finding.Location.Line, finding.Location.Column));
    }
}
