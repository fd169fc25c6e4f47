import nock from 'nock';

// Tests never reach the network: anything but loopback is refused, so a test that would call out
// fails loudly instead of depending on the world.
nock.disableNetConnect();
nock.enableNetConnect((host) => /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)(:\d+)?$/.test(host));
