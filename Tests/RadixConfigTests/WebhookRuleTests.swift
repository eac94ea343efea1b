import Testing
@testable import RadixConfig

/// A component whose public port is `web` (3000) and whose internal one is `http` (8080).
private let backendComponent = """
    - name: backend
      src: backend
      ports:
        - name: http
          port: 8080
        - name: web
          port: 3000
      publicPort: web
    """

/// Job `compute` posting to `webhook` (in prod to `environmentWebhook`), then job `etl`, listening on 4000.
private func jobsPosting(webhook: String, environmentWebhook: String? = nil) -> String {
    var yaml = """
        - name: compute
          src: compute
          schedulerPort: 8000
          ports:
            - name: http
              port: 3000
          notifications:
            webhook: \(webhook)

        """
    if let environmentWebhook {
        yaml += """
              environmentConfig:
                - environment: dev
                - environment: prod
                  notifications:
                    webhook: \(environmentWebhook)

            """
    }
    return yaml + """
        - name: etl
          src: etl
          schedulerPort: 9000
          ports:
            - name: api
              port: 4000
        """
}

extension ValidationRuleTests {
    static let webhookCases: [RuleCase] = [
        RuleCase("a webhook is a URL with a host", jobs: jobsPosting(webhook: "backend:8080/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "\"backend:8080/updates\" is not a valid URL: expected http://<component or job>:<port>/<path>"),
        RuleCase("a webhook uses http or https", jobs: jobsPosting(webhook: "ftp://backend:8080/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "\"ftp://backend:8080/updates\" must start with http:// or https://"),
        RuleCase("a webhook gives its port", jobs: jobsPosting(webhook: "http://backend/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "\"http://backend/updates\" has no port: give one of component backend's ports (8080)"),
        RuleCase("a webhook calls a component or job of the application",
                 jobs: jobsPosting(webhook: "http://frontend:8080/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "\"http://frontend:8080/updates\" does not call this application: "
                     + "its host must be a component or job (backend, compute, etl)"),
        RuleCase("a webhook uses a port the component declares",
                 jobs: jobsPosting(webhook: "http://backend:9090/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "\"http://backend:9090/updates\" uses port 9090, which component backend does not declare: "
                     + "give one of component backend's ports (8080)"),
        RuleCase("a webhook never uses a component's public port",
                 jobs: jobsPosting(webhook: "http://backend:3000/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "\"http://backend:3000/updates\" uses port 3000, which must not be the public port of "
                     + "component backend: give one of component backend's ports (8080)"),
        RuleCase("an environment's webhook uses a port the job declares",
                 jobs: jobsPosting(webhook: "http://backend:8080/updates",
                            environmentWebhook: "http://etl:9000/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].environmentConfig[1].notifications.webhook",
                 message: "\"http://etl:9000/updates\" uses port 9000, which job etl does not declare: "
                     + "give one of job etl's ports (4000)"),
        RuleCase("an environment's webhook never uses a component's public port",
                 jobs: jobsPosting(webhook: "http://backend:8080/updates",
                            environmentWebhook: "http://backend:3000/updates  #!"), components: backendComponent,
                 path: "spec.jobs[0].environmentConfig[1].notifications.webhook",
                 message: "must not be the public port of component backend"),
        RuleCase("a webhook needs a target with a port it may use", jobs: jobsPosting(webhook: "http://backend:8080/updates  #!"),
                 components: """
                     - name: backend
                       src: backend
                       ports:
                         - name: http
                           port: 8080
                       publicPort: http
                     """,
                 path: "spec.jobs[0].notifications.webhook",
                 message: "component backend declares no port a webhook may use; add one other than its public port to its ports"),
    ]
}

/// A webhook Radix accepts, named by what it shows.
struct AcceptedWebhook: Sendable, CustomTestStringConvertible {
    let rule: String
    let jobs: String

    init(_ rule: String, jobs: String) {
        self.rule = rule
        self.jobs = jobs
    }

    var testDescription: String { rule }
}

@Suite("Webhooks Radix accepts")
struct WebhookRuleTests {
    static let cases: [AcceptedWebhook] = [
        AcceptedWebhook("a component's internal port", jobs: jobsPosting(webhook: "http://backend:8080/updates")),
        AcceptedWebhook("a job's port, the job declared later", jobs: jobsPosting(webhook: "https://etl:4000/updates")),
        AcceptedWebhook("an environment's webhook to a job", jobs: jobsPosting(webhook: "http://backend:8080/updates",
                                                                             environmentWebhook: "http://compute:3000/prod")),
        AcceptedWebhook("names in any case, spaces trimmed", jobs: jobsPosting(webhook: "' HTTP://Backend:8080/Updates '")),
        AcceptedWebhook("an empty webhook, which means none", jobs: jobsPosting(webhook: "''")),
    ]

    @Test(arguments: cases)
    func accepted(_ webhook: AcceptedWebhook) throws {
        let yaml = configYAML(jobs: webhook.jobs, components: backendComponent)
        #expect(throws: Never.self) { try RadixConfigFile.parse(yaml: yaml) }
    }

    /// What the scheduler then posts to: the webhook as checked (trimmed), and none for a blank one.
    @Test func theCheckedWebhookIsTheOneServed() throws {
        func webhook(_ text: String) throws -> String? {
            let yaml = configYAML(jobs: jobsPosting(webhook: text), components: backendComponent)
            return try RadixConfigFile.parse(yaml: yaml).job(named: "compute")?.notifications?.webhook
        }
        #expect(try webhook("' http://backend:8080/updates '") == "http://backend:8080/updates")
        #expect(try webhook("'  '") == nil)
    }
}
