import Foundation
import Hummingbird
import MilletCore

/// A DDI link: `{"href": …}`.
struct DDILink: Encodable, Sendable {
    let href: String
}

/// The poll's answer: when to poll again and, with an action waiting, the link to its deployment.
struct DDIPollDTO: ResponseEncodable, Sendable {
    struct Config: Encodable, Sendable {
        struct Polling: Encodable, Sendable { let sleep: String }
        let polling: Polling
    }

    struct Links: Encodable, Sendable {
        let deploymentBase: DDILink?
        let cancelAction: DDILink?
        let configData: DDILink?
    }

    let config: Config
    let links: Links

    enum CodingKeys: String, CodingKey {
        case config
        case links = "_links"
    }

    init(_ poll: DDIDesk.Poll, base: String) {
        config = Config(polling: .init(sleep: DDIAction.sleep(seconds: poll.sleepSeconds)))
        // hawkBit adds a cache-busting `c` to the link, changing with the action's content.
        let deployment = poll.cancels ? nil : poll.action, cancel = poll.cancels ? poll.action : nil
        links = Links(
            deploymentBase: deployment.map { action in DDILink(href: "\(base)/deploymentBase/\(action.number)?c=\(action.build.sha256.prefix(8))") },
            cancelAction: cancel.map { action in DDILink(href: "\(base)/cancelAction/\(action.number)") },
            configData: poll.wantsAttributes ? DDILink(href: "\(base)/configData") : nil)
    }
}

/// A request to cancel an action: `stopId` names the action to stop (here always the one asked about).
struct DDICancelDTO: ResponseEncodable, Sendable {
    struct CancelAction: Encodable, Sendable { let stopId: String }
    let id: String
    let cancelAction: CancelAction

    init(_ action: DDIDesk.Action) {
        id = String(action.number)
        cancelAction = CancelAction(stopId: id)
    }
}

/// An action's deployment: one chunk, the build, with one artifact, its image.
struct DDIDeploymentDTO: ResponseEncodable, Sendable {
    struct Deployment: Encodable, Sendable {
        let download, update: String
        let chunks: [Chunk]
    }

    struct Chunk: Encodable, Sendable {
        let part, version, name: String
        let artifacts: [Artifact]
    }

    struct Artifact: Encodable, Sendable {
        struct Hashes: Encodable, Sendable { let sha1, md5, sha256: String }
        struct Links: Encodable, Sendable {
            let download, downloadHTTP, md5sumHTTP: DDILink
            enum CodingKeys: String, CodingKey {
                case download
                case downloadHTTP = "download-http"
                case md5sumHTTP = "md5sum-http"
            }
        }

        let filename: String
        let hashes: Hashes
        let size: Int64
        let links: Links

        enum CodingKeys: String, CodingKey {
            case filename, hashes, size
            case links = "_links"
        }
    }

    let id: String
    let deployment: Deployment

    init(_ action: DDIDesk.Action, facts: ImageFacts.Facts, base: String) {
        let build = action.build, name = ImageFacts.fileName(of: build, facts.description)
        let file = "\(base)/softwaremodules/\(build.id)/artifacts/\(name)"
        id = String(action.number)
        // A rollout pushes its build: download and install as soon as the device has it.
        deployment = Deployment(download: "forced", update: "forced", chunks: [Chunk(
            part: "os", version: build.version, name: build.modelId,
            artifacts: [Artifact(
                filename: name, hashes: .init(sha1: facts.sha1, md5: facts.md5, sha256: facts.sha256), size: build.size,
                links: .init(download: DDILink(href: file), downloadHTTP: DDILink(href: file), md5sumHTTP: DDILink(href: file + ".MD5SUM")))])])
    }
}
