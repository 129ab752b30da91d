// @meeting-webhooks/mocks/msw: MSW handlers for the provider HTTP surfaces of the contracts (browser and Node), and a
// contract-checking mock receiver.
export {
  type BotOutcome,
  createProviderMocks,
  type ProviderMockOptions,
  type ProviderMocks,
  type ReceiverRegistration,
  type RouteMock,
} from "./providers.js";
export {
  createReceiverHandlers,
  type ReceivedDelivery,
  type ReceiverMock,
  type ReceiverMockOptions,
} from "./receiver.js";
export type { Failure } from "./scenarios.js";
