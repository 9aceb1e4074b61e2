import { parseBrokers } from './kafka-connection';

describe(parseBrokers.name, () => {
  it('splits and trims a broker list', () => {
    expect(parseBrokers(' 127.0.0.1:9092, kafka-2:19092 ')).toEqual(['127.0.0.1:9092', 'kafka-2:19092']);
  });

  it.each(['', ' , ', 'localhost', 'localhost:port', 'a:1,b'])('refuses "%s"', (input) => {
    expect(() => parseBrokers(input)).toThrow(/KAFKA_BROKERS must be a comma-separated list of host:port/);
  });
});
