import Core
import Generation
import Testing

@Suite struct JobParamsTests {
    @Test func storedParamsReadBackTyped() {
        let stored = JSONValue.object(["seed": .number(42), "output_format": .string("jpg"), "quality": .number(70), "width": .number(1080), "height": .number(1080)])
        #expect(JobParams(stored: stored) == JobParams(seed: 42, outputFormat: .jpeg, quality: 70, width: 1080, height: 1080))
    }

    @Test func storedValuesOutOfRangeTakeTheirDefaultsInsteadOfTrapping() {
        // A seed of UInt64.max comes back from JSON as 1.8446744073709552e19: converting it traps.
        let hostile = JSONValue.object([
            "seed": .number(1.8446744073709552e19), "output_format": .string("gif"), "quality": .number(1e300), "width": .number(.nan),
        ])
        #expect(JobParams(stored: hostile) == JobParams(seed: 0))
        #expect(JobParams(stored: nil) == JobParams(seed: 0))
        #expect(JobParams(stored: .string("not an object")).quality == JobParams.defaultQuality)
    }

    @Test func workflowUIDsNameTheirRunner() {
        #expect(WorkflowRunnerKind(uid: "builtin:meme") == .builtin("meme"))
        #expect(WorkflowRunnerKind(uid: "n8n:ads/square") == .n8n(path: "ads/square"))
        #expect(WorkflowRunnerKind(uid: "zapier:x") == nil)
    }
}
